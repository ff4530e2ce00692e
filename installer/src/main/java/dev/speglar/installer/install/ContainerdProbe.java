package dev.speglar.installer.install;

import dev.speglar.installer.containerd.Exec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Post-restart health check through the daemon's socket with {@code ctr}: the socket answers (bounded wait) and every
 * CRI plugin reports {@code ok}. On containerd 2.x a bad CRI config leaves the daemon up with CRI in {@code error}.
 */
public record ContainerdProbe(String ctr, String socket, Duration timeout) {

    private static final Duration POLL = Duration.ofMillis(200);

    public ContainerdProbe {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    }

    public String serverVersion() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exec.Result last;
        do {
            // Each attempt ends by the deadline too: a socket that accepts but never answers must not hold the caller.
            Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), POLL.toNanos()));
            last = Exec.run(
                    List.of(ctr, "--address", socket, "--connect-timeout", "1s", "version"),
                    left.compareTo(Duration.ofSeconds(10)) < 0 ? left.plus(POLL) : Duration.ofSeconds(10));
            if (last.ok() && last.stdout().contains("Server:")) {
                return last.stdout().substring(last.stdout().indexOf("Server:")).strip();
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for containerd");
            }
        } while (System.nanoTime() < deadline);
        throw new IOException(
                "containerd socket " + socket + " did not answer within " + timeout + ": " + last.describe());
    }

    /** Throws unless the socket answers and the CRI plugins loaded. */
    public void verify() throws IOException {
        serverVersion();
        Exec.Result r = Exec.run(List.of(ctr, "--address", socket, "plugins", "ls"), Duration.ofSeconds(10));
        if (!r.ok()) throw new IOException("ctr plugins ls failed: " + r.describe());
        List<String> cri = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 3) continue;
            boolean isCri = f[0].startsWith("io.containerd.cri.v1")
                    || (f[0].equals("io.containerd.grpc.v1") && f[1].equals("cri"));
            if (!isCri) continue;
            cri.add(f[0] + "." + f[1]);
            if (!f[f.length - 1].equals("ok")) broken.add(f[0] + "." + f[1] + " " + f[f.length - 1]);
        }
        if (cri.isEmpty()) throw new IOException("the CRI plugin is not loaded in containerd at " + socket);
        if (!broken.isEmpty()) throw new IOException("CRI plugin failed to load: " + String.join(", ", broken));
    }
}

package dev.speglar.installer.install;

import static org.awaitility.Awaitility.await;

import dev.speglar.installer.containerd.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real containerd daemon with its own root, state and sockets under a temp dir,
 * reading its config from a test host root. Its restart hook stands in for {@code systemctl restart containerd}.
 */
final class PrivateContainerd implements AutoCloseable {

    final Path base;
    final Path configFile;
    final String socket;
    final AtomicInteger restarts = new AtomicInteger();
    private Process process;

    PrivateContainerd(Path base, Path configFile) {
        this.base = base;
        this.configFile = configFile;
        this.socket = base.resolve("ctd.sock").toString();
    }

    /** A v2 config for this daemon, with the given extra CRI lines; every path is private to the test. */
    String config(String extraRootLines, String criLines) {
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                %2$s
                [grpc]
                  address = "%1$s/ctd.sock"
                [ttrpc]
                  address = "%1$s/ctd.sock.ttrpc"
                [debug]
                  address = "%1$s/debug.sock"
                [metrics]
                  address = ""
                [plugins]
                  [plugins."io.containerd.internal.v1.opt"]
                    path = "%1$s/opt"
                  [plugins."io.containerd.grpc.v1.cri"]
                    disable_tcp_service = true
                    stream_server_address = "127.0.0.1"
                    stream_server_port = "0"
                    sandbox_image = "example.invalid/pause:test"
                %3$s
                    [plugins."io.containerd.grpc.v1.cri".cni]
                      bin_dir = "/usr/lib/cni"
                      conf_dir = "%1$s/cni-conf"
                """.formatted(base, extraRootLines, criLines);
    }

    void start() throws IOException {
        ContainerdProbe probe = probe(Duration.ofSeconds(20));
        process = new ProcessBuilder(TestNode.realBinary().executable(), "--config", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("containerd.log").toFile()))
                .start();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                Exec.run(List.of("ctr", "--address", socket, "--connect-timeout", "1s", "version"), Duration.ofSeconds(5)).ok());
        probe.serverVersion();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    void stop() throws IOException {
        if (process == null) return;
        process.destroy(); // SIGTERM, like systemd's stop
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        process = null;
        Files.deleteIfExists(Path.of(socket));
    }

    /** Stops and starts the daemon, like {@code systemctl restart containerd}. */
    CommandHook restartHook() {
        return () -> {
            restarts.incrementAndGet();
            stop();
            start();
        };
    }

    ContainerdProbe probe(Duration timeout) {
        return new ContainerdProbe("ctr", socket, timeout);
    }

    String log() throws IOException {
        Path log = base.resolve("containerd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}

package dev.speglar.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * dockerd (Debian docker.io 20.10) started by hand with private data/exec roots and socket, and no host networking
 * changes (no bridge, no iptables). It runs its own containerd under exec-root. {@code --registry-mirror} only applies
 * to Docker Hub images; 127.0.0.0/8 registries are insecure-allowed by default.
 */
public final class Dockerd implements AutoCloseable {
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final List<String> mirrors;
    private ManagedProcess process;

    private Dockerd(Path dir, List<String> mirrors) {
        this.dir = dir;
        this.mirrors = List.copyOf(mirrors);
    }

    /** {@code registryMirrors} like "http://127.0.0.5:5000". Call {@link #start()}. */
    public static Dockerd withMirrors(String... registryMirrors) {
        return new Dockerd(TempDirs.create("dockerd"), List.of(registryMirrors));
    }

    public Dockerd start() {
        try {
            // An explicit empty config keeps /etc/docker/daemon.json (if any) out of the test.
            Files.writeString(dir.resolve("daemon.json"), "{}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(
                "dockerd",
                "--config-file",
                dir.resolve("daemon.json").toString(),
                "--data-root",
                dir.resolve("data").toString(),
                "--exec-root",
                dir.resolve("exec").toString(),
                "--pidfile",
                dir.resolve("dockerd.pid").toString(),
                "-H",
                "unix://" + socket(),
                "--bridge=none",
                "--iptables=false",
                "--ip6tables=false",
                "--ip-masq=false",
                "--userland-proxy=false"));
        for (String m : mirrors) {
            cmd.add("--registry-mirror=" + m);
        }
        process = ManagedProcess.start("dockerd@" + dir, cmd, Map.of(), dir.resolve("dockerd.log"));
        process.awaitReady(
                Duration.ofSeconds(60),
                () -> Files.exists(socket())
                        && docker("version", "--format", "{{.Server.Version}}").ok());
        return this;
    }

    /** Runs the docker CLI against this daemon; returns the result whatever the exit code. */
    public Exec.Result docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", "unix://" + socket()));
        cmd.addAll(List.of(args));
        return Exec.run(
                CLI_TIMEOUT, Map.of("DOCKER_CONFIG", dir.resolve("client").toString()), cmd);
    }

    public Path socket() {
        return dir.resolve("docker.sock");
    }

    public String logText() {
        return process == null ? "" : process.logText();
    }

    @Override
    public void close() {
        if (process != null) {
            // SIGTERM lets dockerd stop its own containerd; stop() also kills leftovers.
            process.stop(Duration.ofSeconds(20));
        }
        TempDirs.deleteRecursively(dir);
    }
}

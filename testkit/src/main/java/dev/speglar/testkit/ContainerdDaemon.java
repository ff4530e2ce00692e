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
 * A private containerd daemon (Debian's containerd 1.6) with its own config, root, state and socket under a temp dir,
 * the CRI plugin on, registry {@code config_path = <dir>/certs.d} and {@code discard_unpacked_layers = false} so the
 * compressed layers stay in the content store, which is what a mirror serves from.
 */
public final class ContainerdDaemon implements AutoCloseable {
    public static final String NAMESPACE = "k8s.io";
    private static final Duration CTR_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final String snapshotter;
    private final Path externalConfig;
    private ManagedProcess process;
    private boolean discardUnpackedLayers;
    private String configPath;
    private boolean criDisabled;

    private ContainerdDaemon(Path dir, String snapshotter, Path externalConfig) {
        this.dir = dir;
        this.snapshotter = snapshotter;
        this.externalConfig = externalConfig;
    }

    /** A daemon using the overlayfs snapshotter. Call {@link #start()}. */
    public static ContainerdDaemon create() {
        return create("overlayfs");
    }

    /** {@code snapshotter} is "overlayfs" or "native". */
    public static ContainerdDaemon create(String snapshotter) {
        if (!snapshotter.equals("overlayfs") && !snapshotter.equals("native")) {
            throw new IllegalArgumentException("snapshotter must be overlayfs or native: " + snapshotter);
        }
        return new ContainerdDaemon(TempDirs.create("ctd"), snapshotter, null);
    }

    /**
     * A daemon that reads {@code configFile}, which the caller writes and may change between restarts (an installer
     * under test edits it); {@link #privateConfig} gives a starting point whose paths all stay in this daemon's dir.
     */
    public static ContainerdDaemon onConfig(Path configFile) {
        return new ContainerdDaemon(TempDirs.create("ctd"), "overlayfs", configFile.toAbsolutePath());
    }

    /** A minimal v2 config private to this daemon (no registry settings), plus extra top-level and CRI lines. */
    public String privateConfig(String extraRootLines, String criLines) {
        return """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        %2$s
        [grpc]
          address = "%1$s/containerd.sock"
        [ttrpc]
          address = "%1$s/containerd.sock.ttrpc"
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
        """.formatted(dir, extraRootLines, criLines);
    }

    /**
     * Misconfigures the CRI plugin as some platforms ship it (call before {@link #start()}): {@code configPath} null
     * keeps {@code <dir>/certs.d}, empty leaves hosts.toml files unused.
     */
    public ContainerdDaemon criSettings(boolean discardUnpackedLayers, String configPath) {
        this.discardUnpackedLayers = discardUnpackedLayers;
        this.configPath = configPath;
        return this;
    }

    /** Disables the CRI plugin ({@code disabled_plugins}); call before {@link #start()}. */
    public ContainerdDaemon disableCri() {
        this.criDisabled = true;
        return this;
    }

    public ContainerdDaemon start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            Files.createDirectories(certsDir());
            Files.createDirectories(dir.resolve("conf.d"));
            Files.createDirectories(dir.resolve("cni-conf"));
            if (externalConfig == null) {
                Files.writeString(configFile(), config());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = ManagedProcess.start(
                "containerd@" + dir,
                List.of("containerd", "--config", configFile().toString()),
                Map.of(),
                dir.resolve("containerd.log"));
        process.awaitReady(
                Duration.ofSeconds(30),
                () -> Files.exists(socket())
                        && Exec.run(Duration.ofSeconds(5), "ctr", "-a", socket().toString(), "version")
                                .ok());
        return this;
    }

    private String config() {
        return """
        version = 2
        disabled_plugins = [%3$s]
        root = "%1$s/root"
        state = "%1$s/state"
        imports = ["%1$s/conf.d/*.toml"]
        [grpc]
          address = "%1$s/containerd.sock"
        [ttrpc]
          address = "%1$s/containerd.sock.ttrpc"
        [debug]
          address = "%1$s/debug.sock"
          level = "debug"
        [metrics]
          address = ""
        [plugins]
          [plugins."io.containerd.internal.v1.opt"]
            path = "%1$s/opt"
          [plugins."io.containerd.grpc.v1.cri"]
            disable_tcp_service = true
            stream_server_address = "127.0.0.1"
            stream_server_port = "0"
            sandbox_image = "registry.k8s.io/pause:3.6"
            [plugins."io.containerd.grpc.v1.cri".containerd]
              snapshotter = "%2$s"
              discard_unpacked_layers = %4$s
            [plugins."io.containerd.grpc.v1.cri".cni]
              bin_dir = "/usr/lib/cni"
              conf_dir = "%1$s/cni-conf"
            [plugins."io.containerd.grpc.v1.cri".registry]
              config_path = "%5$s"
        """.formatted(
                        dir,
                        snapshotter,
                        criDisabled ? "\"io.containerd.grpc.v1.cri\"" : "",
                        discardUnpackedLayers,
                        configPath == null ? dir + "/certs.d" : configPath);
    }

    /** Stops the daemon (SIGTERM) and starts it again on the same root, state and config. */
    public ContainerdDaemon restart() {
        stop();
        return start();
    }

    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(10));
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Runs {@code ctr -a <socket> -n k8s.io <args>} and returns stdout; throws with the output if it fails. */
    public String ctr(String... args) {
        return ctrResult(args).check().stdout();
    }

    /** Like {@link #ctr} but returns the result whatever the exit code. */
    public Exec.Result ctrResult(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "-a", socket().toString(), "-n", NAMESPACE));
        cmd.addAll(List.of(args));
        return Exec.run(CTR_TIMEOUT, Map.of(), cmd);
    }

    /** Image names in the k8s.io namespace ({@code ctr images ls -q}). */
    public List<String> imageNames() {
        return ctr("images", "ls", "-q").lines().filter(l -> !l.isBlank()).toList();
    }

    /** Target digest of image {@code name} (column DIGEST of {@code ctr images ls}), or empty if there is no such image. */
    public java.util.Optional<String> imageDigest(String name) {
        return ctr("images", "ls")
                .lines()
                .skip(1)
                .map(l -> l.split("\\s+"))
                .filter(cols -> cols.length >= 3 && cols[0].equals(name))
                .map(cols -> cols[2])
                .findFirst();
    }

    /** Writes {@code certs.d/<registry>/hosts.toml} (the registry host as containerd names it, e.g. "docker.io"). */
    public Path writeHostsToml(String registryHost, String toml) {
        try {
            Path file = certsDir().resolve(registryHost).resolve("hosts.toml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, toml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path socket() {
        return dir.resolve("containerd.sock");
    }

    /** Registry hosts directory ({@code config_path}), also usable as {@code ctr pull --hosts-dir}. */
    public Path certsDir() {
        return dir.resolve("certs.d");
    }

    /** Content store root: {@code blobs/sha256/<hex>} live below it. */
    public Path contentDir() {
        return dir.resolve("root/io.containerd.content.v1.content");
    }

    /** The blob file for {@code digest} ("sha256:..."), whether or not it exists. */
    public Path contentBlob(String digest) {
        return contentDir().resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    public Path configFile() {
        return externalConfig != null ? externalConfig : dir.resolve("config.toml");
    }

    /** Drop-in directory imported by the main config. */
    public Path confDir() {
        return dir.resolve("conf.d");
    }

    public Path dir() {
        return dir;
    }

    public String logText() {
        return process == null ? "" : process.logText();
    }

    @Override
    public void close() {
        stop();
        // Snapshots are only mounted while containers run; none do here, so the tree can go.
        TempDirs.deleteRecursively(dir);
    }
}

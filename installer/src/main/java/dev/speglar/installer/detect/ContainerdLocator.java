package dev.speglar.installer.detect;

import dev.speglar.installer.containerd.ContainerdVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where a platform keeps containerd's socket and config, and which release is installed. The version comes from, in
 * order: an explicit override; {@code containerd --version} (only on the live root, with a time limit); AL2023's
 * {@code /etc/eks/containerd-version.txt}; the dpkg status database; the apk database. Fixture trees express the
 * version through those files.
 */
public final class ContainerdLocator {
    public static final List<String> SOCKETS = List.of(
            "/run/containerd/containerd.sock",
            "/run/k3s/containerd/containerd.sock",
            "/run/k0s/containerd.sock",
            "/var/snap/microk8s/common/run/containerd.sock");
    static final List<String> BINARIES = List.of("/usr/bin/containerd", "/usr/local/bin/containerd", "/bin/containerd");

    private final HostRoot host;

    public ContainerdLocator(HostRoot host) {
        this.host = host;
    }

    /** The main config file containerd is started with on this platform (host path; may not exist yet). */
    public static String mainConfig(Platform platform) {
        return switch (platform) {
            case K3S -> "/var/lib/rancher/k3s/agent/etc/containerd/config.toml";
            case RKE2 -> "/var/lib/rancher/rke2/agent/etc/containerd/config.toml";
            case TALOS -> "/etc/cri/containerd.toml";
            case K0S -> "/etc/k0s/containerd.toml";
            case MICROK8S -> "/var/snap/microk8s/current/args/containerd.toml";
            default -> "/etc/containerd/config.toml";
        };
    }

    Optional<String> socket() {
        return SOCKETS.stream().filter(host::exists).findFirst();
    }

    Optional<String> binary() {
        return BINARIES.stream().filter(host::exists).findFirst();
    }

    /** Version and the source it was read from. */
    record Found(Optional<ContainerdVersion> version, String source) {}

    Found version(Optional<ContainerdVersion> override) {
        if (override.isPresent()) {
            return new Found(override, "--containerd-version");
        }
        if (host.isLiveRoot()) {
            Optional<String> bin = binary();
            if (bin.isPresent()) {
                Optional<ContainerdVersion> v = runVersion(bin.get()).flatMap(ContainerdVersion::find);
                if (v.isPresent()) {
                    return new Found(v, bin.get() + " --version");
                }
            }
        }
        Optional<ContainerdVersion> eks =
                host.readQuietly("/etc/eks/containerd-version.txt").flatMap(ContainerdVersion::find);
        if (eks.isPresent()) {
            return new Found(eks, "/etc/eks/containerd-version.txt");
        }
        Optional<String> dpkg =
                dpkgVersion(host.readQuietly("/var/lib/dpkg/status").orElse(""));
        if (dpkg.isPresent()) {
            return new Found(ContainerdVersion.find(dpkg.get()), "/var/lib/dpkg/status (" + dpkg.get() + ")");
        }
        Optional<String> apk =
                apkVersion(host.readQuietly("/lib/apk/db/installed").orElse(""));
        if (apk.isPresent()) {
            return new Found(ContainerdVersion.find(apk.get()), "/lib/apk/db/installed (" + apk.get() + ")");
        }
        return new Found(Optional.empty(), "");
    }

    /** Version of an installed containerd package (Debian's containerd, Docker's containerd.io, moby-containerd). */
    static Optional<String> dpkgVersion(String status) {
        for (String stanza : status.split("\n\n")) {
            String pkg = field(stanza, "Package");
            if ((pkg.equals("containerd") || pkg.equals("containerd.io") || pkg.equals("moby-containerd"))
                    && field(stanza, "Status").endsWith("installed")
                    && !field(stanza, "Version").isEmpty()) {
                return Optional.of(field(stanza, "Version"));
            }
        }
        return Optional.empty();
    }

    static Optional<String> apkVersion(String db) {
        for (String stanza : db.split("\n\n")) {
            if (stanza.lines().anyMatch(l -> l.equals("P:containerd"))) {
                return stanza.lines()
                        .filter(l -> l.startsWith("V:"))
                        .map(l -> l.substring(2))
                        .findFirst();
            }
        }
        return Optional.empty();
    }

    private static String field(String stanza, String name) {
        for (String line : stanza.split("\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return "";
    }

    /** Runs {@code containerd --version} with output to a temp file, so a hung binary cannot block the read. */
    private static Optional<String> runVersion(String binary) {
        java.nio.file.Path out = null;
        Process p = null;
        try {
            out = java.nio.file.Files.createTempFile("speglar-containerd-version", ".txt");
            p = new ProcessBuilder(binary, "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            try (InputStream in = java.nio.file.Files.newInputStream(out)) {
                return Optional.of(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            if (out != null) {
                out.toFile().delete();
            }
        }
    }
}

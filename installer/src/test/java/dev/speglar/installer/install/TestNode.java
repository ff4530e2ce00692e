package dev.speglar.installer.install;

import dev.speglar.installer.containerd.ContainerdBinary;
import dev.speglar.installer.containerd.ContainerdVersion;
import dev.speglar.installer.detect.HostRoot;
import dev.speglar.testkit.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A temp host root plus the real containerd binary. Fails loudly when containerd is not installed. */
public final class TestNode {

    final Path root;
    final HostRoot host;
    final ContainerdBinary binary;
    final ContainerdVersion version;

    TestNode(Path root) {
        this.root = root;
        this.host = new HostRoot(root);
        this.binary = realBinary();
        try {
            this.version = binary.version();
        } catch (Exception e) {
            throw new AssertionError("containerd --version failed", e);
        }
    }

    static ContainerdBinary realBinary() {
        return new ContainerdBinary(Tools.require("containerd").toString());
    }

    Path path(String nodePath) {
        return host.resolve(nodePath);
    }

    void write(String nodePath, String content) {
        try {
            Files.createDirectories(path(nodePath).getParent());
            Files.writeString(path(nodePath), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String nodePath) {
        try {
            return Files.readString(path(nodePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file and directory under the root with its bytes, for byte-identical comparisons. */
    Map<String, String> snapshot() {
        return snapshot("\0");
    }

    /** As {@link #snapshot()}, leaving out one top-level subtree (a daemon's own state). */
    Map<String, String> snapshot(String excludedPrefix) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith(excludedPrefix)) continue;
                // The install lock lives on tmpfs and outlasts runs by design (see InstallLock).
                if (rel.equals("run") || rel.equals("run/speglar-installer.lock")) continue;
                if (Files.isDirectory(p)) out.put(rel + "/", "dir " + Files.getPosixFilePermissions(p));
                else if (Files.isRegularFile(p))
                    out.put(rel, FileChange.sha256(Files.readAllBytes(p)) + " " + Files.getPosixFilePermissions(p));
                else out.put(rel, "other");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    ContainerdTarget target(String config, ConfigStrategy strategy, boolean regenerated) {
        return new ContainerdTarget(version, config, regenerated, strategy, null);
    }
}

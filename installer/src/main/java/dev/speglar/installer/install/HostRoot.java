package dev.speglar.installer.install;

import java.nio.file.Path;

/**
 * Maps node paths ({@code /etc/containerd/config.toml}) onto the filesystem the installer sees: {@code /} on the
 * node itself, {@code /host} in a container, a temp tree in tests.
 */
public record HostRoot(Path root) {

    public HostRoot {
        root = root.toAbsolutePath().normalize();
    }

    public static HostRoot of(String root) {
        return new HostRoot(Path.of(root));
    }

    public boolean isSystemRoot() {
        return root.getParent() == null;
    }

    /**
     * Resolves a node path. A path that already lies under the host root is returned unchanged: configs written for
     * a private test daemon name their drop-ins by real absolute paths, and on a real node ({@code /}) this is the
     * identity anyway.
     */
    public Path resolve(String nodePath) {
        Path p = Path.of(nodePath);
        if (!p.isAbsolute()) throw new IllegalArgumentException("node path must be absolute: " + nodePath);
        p = p.normalize();
        if (isSystemRoot() || p.startsWith(root)) return p;
        return root.resolve(root.getRoot().relativize(p));
    }

    /** The node path of a real path under the root (inverse of {@link #resolve}). */
    public String nodePath(Path real) {
        Path abs = real.toAbsolutePath().normalize();
        if (isSystemRoot() || !abs.startsWith(root)) return abs.toString();
        return "/" + root.relativize(abs);
    }
}

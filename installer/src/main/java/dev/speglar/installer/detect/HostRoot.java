package dev.speglar.installer.detect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host file system as seen from the installer: every absolute host path is read under {@link #root()} (which is
 * {@code /} on the node, or e.g. {@code /host} in a container, or a fixture tree in tests). Symlinks are resolved
 * inside the root like a chroot, so an absolute link target never escapes to the installer's own file system.
 */
public final class HostRoot {
    /** Config files, os-release and friends are small; anything larger is not what we are looking for. */
    static final int MAX_READ_BYTES = 1 << 20;

    private static final int MAX_LINK_HOPS = 40;

    private final Path root;

    public HostRoot(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IllegalArgumentException("host root " + abs + " is not a directory");
        }
        this.root = abs;
    }

    public static HostRoot of(String root) {
        return new HostRoot(Path.of(root));
    }

    public Path root() {
        return root;
    }

    /** True when the root is the installer's own {@code /}, so host binaries may be executed. */
    public boolean isLiveRoot() {
        return root.getParent() == null;
    }

    /** Same as {@link #isLiveRoot()}: node paths are real paths. */
    public boolean isSystemRoot() {
        return isLiveRoot();
    }

    /**
     * Maps an absolute host path to the local path, resolving symlinks within the root. A path that already lies
     * under the root is taken as local: configs written for a private test daemon name their drop-ins by real
     * absolute paths (on a real node, {@code /}, this changes nothing).
     */
    public Path resolve(String hostPath) {
        if (!hostPath.startsWith("/")) {
            throw new IllegalArgumentException("host path must be absolute: " + hostPath);
        }
        Path asLocal = Path.of(hostPath).normalize();
        if (!isLiveRoot() && asLocal.startsWith(root)) {
            hostPath = "/" + root.relativize(asLocal);
        }
        List<String> pending = new ArrayList<>(List.of(hostPath.split("/")));
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path local = local(done).resolve(part);
            if (Files.isSymbolicLink(local) && hops++ < MAX_LINK_HOPS) {
                try {
                    String target = Files.readSymbolicLink(local).toString();
                    if (target.startsWith("/")) {
                        done.clear();
                    }
                    pending.addAll(0, List.of(target.split("/")));
                    continue;
                } catch (IOException e) {
                    // Unreadable link: treat the name literally; reading will then fail with a clear error.
                }
            }
            done.add(part);
        }
        return local(done);
    }

    private Path local(List<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    /** The node path of a real path under the root (inverse of {@link #resolve} for paths without links). */
    public String nodePath(Path real) {
        Path abs = real.toAbsolutePath().normalize();
        if (isLiveRoot() || !abs.startsWith(root)) {
            return abs.toString();
        }
        return "/" + root.relativize(abs);
    }

    public boolean exists(String hostPath) {
        return Files.exists(resolve(hostPath), LinkOption.NOFOLLOW_LINKS);
    }

    public boolean isDirectory(String hostPath) {
        return Files.isDirectory(resolve(hostPath));
    }

    public boolean isRegularFile(String hostPath) {
        return Files.isRegularFile(resolve(hostPath));
    }

    /** Reads a small text file; empty when absent. Throws {@link IOException} when present but unreadable/too big. */
    public Optional<String> read(String hostPath) throws IOException {
        Path p = resolve(hostPath);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes(MAX_READ_BYTES + 1);
            if (bytes.length > MAX_READ_BYTES) {
                throw new IOException(hostPath + " is larger than " + MAX_READ_BYTES + " bytes");
            }
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** Like {@link #read} but an unreadable file counts as absent (used for optional hints such as DMI). */
    public Optional<String> readQuietly(String hostPath) {
        try {
            return read(hostPath).map(String::strip);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Host paths of the entries of a directory, sorted; empty when absent. */
    public List<String> list(String hostDir) {
        Path dir = resolve(hostDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            String prefix = hostDir.endsWith("/") ? hostDir : hostDir + "/";
            return s.map(p -> prefix + p.getFileName()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}

package dev.speglar.installer.install;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One file the installer intends to write: its node path, current bytes (null = absent), intended bytes, and the
 * modification time to give it (null = the write time). The agent's files keep their source's mtime: its AOT cache
 * records each class-path jar's mtime and is refused for a jar whose mtime changed.
 */
public record FileChange(String nodePath, Kind kind, byte[] before, byte[] after, String mode, FileTime modified) {

    public enum Kind {
        CONTAINERD_CONFIG(true),
        HOSTS_TOML(false),
        AGENT_UNIT(false),
        AGENT_RUNTIME(false);

        private final boolean needsContainerdRestart;

        Kind(boolean needsContainerdRestart) {
            this.needsContainerdRestart = needsContainerdRestart;
        }

        public boolean needsContainerdRestart() {
            return needsContainerdRestart;
        }
    }

    public FileChange {
        Objects.requireNonNull(nodePath, "nodePath");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(after, "after");
        if (!nodePath.startsWith("/")) throw new IllegalArgumentException("node path must be absolute: " + nodePath);
        mode = mode == null ? "rw-r--r--" : mode;
    }

    /** A file written with the write time as its mtime. */
    public FileChange(String nodePath, Kind kind, byte[] before, byte[] after, String mode) {
        this(nodePath, kind, before, after, mode, null);
    }

    public boolean changes() {
        return !Arrays.equals(before, after);
    }

    /** Human-readable diff for {@code speglar plan}. */
    public String describe() {
        String verb = before == null ? "create" : "modify";
        StringBuilder sb = new StringBuilder(verb)
                .append(' ')
                .append(nodePath)
                .append(" (")
                .append(kind)
                .append(")\n");
        if (kind == Kind.AGENT_RUNTIME) {
            sb.append("  ")
                    .append(after.length)
                    .append(" bytes, sha256 ")
                    .append(sha256(after))
                    .append('\n');
        } else {
            sb.append(LineDiff.diff(text(before), text(after)));
        }
        return sb.toString();
    }

    private static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

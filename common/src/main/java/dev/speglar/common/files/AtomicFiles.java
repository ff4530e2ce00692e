package dev.speglar.common.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe file replacement: temp file in the same directory, fsync, rename over the target, fsync the
 * directory. A reader (containerd re-reads hosts.toml on every pull and config.toml at restart) sees the old or the
 * new bytes, never a torn file. The one implementation for the agent and the installer.
 */
public final class AtomicFiles {

    /** Mode of a new configuration file that containerd (root) and humans read. */
    public static final String CONFIG_MODE = "rw-r--r--";

    private AtomicFiles() {}

    /** Writes UTF-8 {@code content}; keeps the mode and owner of an existing target, else mode {@code rw-r--r--}. */
    public static void write(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8), CONFIG_MODE);
    }

    /** Writes {@code content}; keeps the mode and owner of an existing target, else uses {@code defaultMode}. */
    public static void write(Path target, byte[] content, String defaultMode) throws IOException {
        write(target, content, defaultMode, null);
    }

    /**
     * As {@link #write(Path, byte[], String)}, and the new file has modification time {@code modified} (null: the
     * write time) from the moment it appears under its name.
     */
    public static void write(Path target, byte[] content, String defaultMode, FileTime modified) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(defaultMode);
        PosixFileAttributes existing = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            existing = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            perms = existing.permissions();
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".speglar-tmp");
        try {
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, perms);
            if (existing != null) {
                PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
                try {
                    view.setOwner(existing.owner());
                    view.setGroup(existing.group());
                } catch (IOException | SecurityException ignored) {
                    // Not root: the file stays owned by us, which is the only owner we could have anyway.
                }
            }
            if (modified != null) Files.setLastModifiedTime(tmp, modified);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** Deletes a file and makes the removal durable. */
    public static void delete(Path target) throws IOException {
        if (Files.deleteIfExists(target)) syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Deletes a file or a directory tree without following links; missing is fine. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (var s = Files.list(p)) {
                for (Path c : s.toList()) deleteTree(c);
            }
        }
        Files.delete(p);
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some filesystems refuse fsync on directories; the rename itself is still atomic.
        }
    }
}

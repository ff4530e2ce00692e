package dev.speglar.installer.install;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe file replacement: temp file in the same directory, fsync, rename over the target, fsync the
 * directory. A reader (containerd at restart, the agent) sees the old or the new bytes, never a torn file.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** Writes {@code content}; keeps the mode and owner of an existing target, else uses {@code defaultMode}. */
    public static void write(Path target, byte[] content, String defaultMode) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(defaultMode);
        PosixFileAttributes existing = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            existing = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            perms = existing.permissions();
        }
        Path tmp = dir.resolve("." + target.getFileName() + ".speglar-tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        try {
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

package dev.speglar.installer.install;

import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One install or uninstall at a time per node: two runs interleaving backups, manifest and restarts (user-data plus a
 * manual run, or a DaemonSet init container plus a host install) would lose the originals. The lock is the kernel's
 * (released when the process exits, so never stale after a crash) on a file in {@code /run}, which is tmpfs. The file
 * itself stays, as lock files in /run do: deleting it would let a waiting and a new run lock two different files.
 */
public final class InstallLock implements AutoCloseable {
    static final String PATH = "/run/speglar-installer.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private InstallLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the node's lock or fails at once, naming the lock file. */
    public static InstallLock acquire(HostRoot root) throws InstallException {
        Path file = root.resolve(PATH);
        try {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                l = null; // held by another run inside this JVM
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (l == null) {
                ch.close();
                throw new InstallException("another speglar install or uninstall is running on this node (it holds "
                        + PATH + "); wait for it to finish, then run again");
            }
            return new InstallLock(ch, l);
        } catch (IOException e) {
            throw new InstallException("could not take the install lock " + PATH + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel drops the lock in any case
        }
    }
}

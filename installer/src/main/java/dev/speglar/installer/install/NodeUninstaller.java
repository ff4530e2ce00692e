package dev.speglar.installer.install;

import dev.speglar.common.files.AtomicFiles;
import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Replays the manifest backwards: stops the agent, puts back every original file byte for byte (or removes files that
 * did not exist), removes directories the install created, restarts containerd only if its config really changes,
 * and finally deletes the installer's own state. A second uninstall finds no manifest and does nothing.
 */
public final class NodeUninstaller {

    private final HostRoot root;
    private final AgentDeployment agent;
    private final CommandHook restart;
    private final ContainerdProbe probe;
    private final Progress progress;

    public NodeUninstaller(
            HostRoot root, AgentDeployment agent, CommandHook restart, ContainerdProbe probe, Progress progress) {
        this.root = root;
        this.agent = agent;
        this.restart = restart;
        this.probe = probe;
        this.progress = progress;
    }

    /** Returns false when nothing was installed. */
    public boolean uninstall() throws InstallException {
        try (InstallLock lock = InstallLock.acquire(root)) {
            return uninstallLocked();
        }
    }

    private boolean uninstallLocked() throws InstallException {
        Manifest manifest;
        try {
            manifest = Manifest.load(root);
        } catch (IOException e) {
            throw new InstallException("cannot read the install manifest: " + e.getMessage(), e);
        }
        if (!manifest.exists()) {
            progress.info("Nothing to uninstall: no manifest at " + Manifest.STATE_DIR + ".");
            return false;
        }
        try {
            progress.start("stop and remove agent");
            agent.uninstall(manifest);
            progress.ok(null);

            progress.start("restore original files");
            boolean containerdChanged = false;
            List<Manifest.Entry> files = manifest.entries().stream()
                    .filter(e -> e.type().equals("file"))
                    .toList();
            for (Manifest.Entry e : files.reversed()) {
                Path real = root.resolve(e.target());
                byte[] original = manifest.backup(e);
                byte[] current = Files.isRegularFile(real) ? Files.readAllBytes(real) : null;
                if (Arrays.equals(original, current)) continue;
                if (current != null
                        && !e.writtenSha256().equals("-")
                        && !e.writtenSha256().equals(FileChange.sha256(current))) {
                    // Someone edited the file after install: keep their version beside the restored original.
                    Path kept = real.resolveSibling(real.getFileName() + ".speglar-modified");
                    AtomicFiles.write(kept, current, "rw-------");
                    progress.info(
                            "warning: " + e.target() + " changed after install; restoring the original, the changed"
                                    + " version is kept as " + root.nodePath(kept));
                }
                if (original == null) AtomicFiles.delete(real);
                else AtomicFiles.write(real, original, "rw-r--r--");
                containerdChanged |= e.kind().equals(FileChange.Kind.CONTAINERD_CONFIG.name());
            }
            progress.ok(files.size() + " file(s)");

            if (containerdChanged) {
                progress.start("restart containerd (" + restart + ")");
                restart.run();
                progress.ok(null);
                progress.start("verify containerd");
                probe.verify();
                progress.ok(null);
            }
            progress.start("remove installer state");
            manifest.discard();
            progress.ok(null);
            return true;
        } catch (Exception e) {
            progress.failed(e.getMessage());
            throw new InstallException(
                    "uninstall failed at step '" + progress.current() + "': " + e.getMessage()
                            + "; the manifest is kept, fix the cause and run uninstall again",
                    e);
        }
    }
}

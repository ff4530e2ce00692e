package dev.speglar.installer.install;

import dev.speglar.common.files.AtomicFiles;
import dev.speglar.installer.containerd.ContainerdBinary;
import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One apply attempt of an {@link InstallPlan} and everything needed to undo it: the files written, the directories
 * created, the installer state before the run, whether containerd was restarted and the node cordoned.
 */
final class InstallRun {
    private final HostRoot root;
    private final ContainerdTarget target;
    private final ContainerdBinary binary;
    private final AgentDeployment agent;
    private final CommandHook restart;
    private final ContainerdProbe probe;
    private final NodeInstaller.NodeGuard guard;
    private final Progress progress;
    private final InstallPlan plan;
    private final List<FileChange> written = new ArrayList<>();
    private final List<Path> createdDirs = new ArrayList<>();
    private byte[] manifestBefore;
    private Set<String> backupsBefore;
    private boolean restarted;
    private boolean cordoned;
    private boolean agentActivated;
    private Manifest manifest;

    InstallRun(
            HostRoot root,
            ContainerdTarget target,
            ContainerdBinary binary,
            AgentDeployment agent,
            CommandHook restart,
            ContainerdProbe probe,
            NodeInstaller.NodeGuard guard,
            Progress progress,
            InstallPlan plan) {
        this.root = root;
        this.target = target;
        this.binary = binary;
        this.agent = agent;
        this.restart = restart;
        this.probe = probe;
        this.guard = guard;
        this.progress = progress;
        this.plan = plan;
    }

    void apply() throws InstallException {
        Path manifestFile = root.resolve(Manifest.STATE_DIR + "/manifest");
        try {
            manifestBefore = Files.exists(manifestFile) ? Files.readAllBytes(manifestFile) : null;
            backupsBefore = listBackups();
        } catch (IOException e) {
            throw new InstallException("cannot read installer state: " + e.getMessage(), e);
        }
        try {
            manifest = Manifest.load(root);
            progress.start("record originals in " + Manifest.STATE_DIR);
            for (FileChange f : plan.files()) {
                for (Path d :
                        NodeInstaller.missingDirs(root.resolve(f.nodePath()).getParent()))
                    manifest.recordDir(root.nodePath(d));
                manifest.recordFile(f.nodePath(), f.before(), f.kind());
            }
            progress.ok(null);
            writeAll(FileChange.Kind.HOSTS_TOML, "write hosts.toml");
            writeAll(FileChange.Kind.CONTAINERD_CONFIG, "write containerd config");
            if (plan.restartContainerd()) {
                if (guard != null) {
                    progress.start("cordon node");
                    cordoned = true;
                    guard.cordon();
                    progress.ok(null);
                }
                progress.start("restart containerd (" + restart + ")");
                restarted = true;
                restart.run();
                progress.ok(null);
                verify();
            }
            boolean agentFiles = plan.files().stream()
                    .anyMatch(f -> f.kind() == FileChange.Kind.AGENT_UNIT || f.kind() == FileChange.Kind.AGENT_RUNTIME);
            writeAll(FileChange.Kind.AGENT_RUNTIME, "install agent runtime");
            writeAll(FileChange.Kind.AGENT_UNIT, "install agent unit");
            if (agentFiles || !plan.otherChanges().isEmpty()) {
                progress.start("start agent");
                agentActivated = true;
                agent.activate(manifest, agentFiles);
                progress.ok(null);
            }
            if (cordoned) {
                progress.start("uncordon node");
                guard.uncordon();
                cordoned = false;
                progress.ok(null);
            }
        } catch (Exception e) {
            String step = progress.current();
            progress.failed(e.getMessage());
            String rollback = rollback();
            throw new InstallException("install failed at step '" + step + "': " + e.getMessage() + "; " + rollback, e);
        }
    }

    private void writeAll(FileChange.Kind kind, String step) throws IOException {
        List<FileChange> of =
                plan.files().stream().filter(f -> f.kind() == kind).toList();
        if (of.isEmpty()) return;
        progress.start(step);
        for (FileChange f : of) {
            Path real = root.resolve(f.nodePath());
            List<Path> dirs = NodeInstaller.missingDirs(real.getParent());
            createdDirs.addAll(dirs);
            written.add(f);
            AtomicFiles.write(real, f.after(), f.mode(), f.modified());
            manifest.recordWritten(f.nodePath(), f.after());
        }
        // The agent's runtime is a hundred files or more: name the count, not each one.
        progress.ok(
                kind == FileChange.Kind.AGENT_RUNTIME
                        ? of.size() + " files under " + AgentPayload.PACKAGE_DIR
                        : String.join(
                                ", ", of.stream().map(FileChange::nodePath).toList()));
    }

    private void verify() throws Exception {
        progress.start("verify containerd (socket, CRI plugin, effective config)");
        probe.verify();
        var effective = new CandidateDump(root, binary, target.version()).dump(target.configFile(), Map.of());
        String hostsDir = plan.containerd().hostsDir();
        if (!hostsDir.equals(effective.configPath()) || !Boolean.FALSE.equals(effective.discardUnpackedLayers())) {
            throw new IOException("effective config after restart has config_path='" + effective.configPath()
                    + "', discard_unpacked_layers=" + effective.discardUnpackedLayers());
        }
        progress.ok(probe.serverVersion().replaceAll("\\s+", " "));
    }

    /** Restores every file written by this run, restarts containerd if it was restarted. Returns a summary. */
    private String rollback() {
        progress.start("roll back");
        List<String> problems = new ArrayList<>();
        if (agentActivated) {
            try {
                agent.rollback();
            } catch (Exception e) {
                problems.add("agent rollback: " + e.getMessage());
            }
        }
        for (FileChange f : written.reversed()) {
            try {
                Path real = root.resolve(f.nodePath());
                if (f.before() == null) AtomicFiles.delete(real);
                else AtomicFiles.write(real, f.before(), f.mode());
            } catch (IOException e) {
                problems.add("restore " + f.nodePath() + ": " + e.getMessage());
            }
        }
        for (Path d : createdDirs.reversed()) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                problems.add("remove " + d + ": " + e.getMessage());
            }
        }
        try {
            restoreState();
        } catch (IOException e) {
            problems.add("installer state: " + e.getMessage());
        }
        if (agentActivated) {
            try {
                agent.afterRestore();
            } catch (Exception e) {
                problems.add("restart previous agent: " + e.getMessage());
            }
        }
        if (restarted) {
            try {
                restart.run();
                probe.verify();
            } catch (Exception e) {
                problems.add("containerd did not come back after restoring its config: " + e.getMessage());
            }
        }
        if (cordoned) {
            try {
                guard.uncordon();
            } catch (Exception e) {
                problems.add("uncordon: " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            progress.ok("all files restored" + (restarted ? ", containerd restarted on the original config" : ""));
            return "rolled back: every file restored"
                    + (restarted ? ", containerd running on the original config" : "");
        }
        progress.failed(String.join("; ", problems));
        return "ROLLBACK INCOMPLETE: " + String.join("; ", problems);
    }

    private void restoreState() throws IOException {
        Path manifestFile = root.resolve(Manifest.STATE_DIR + "/manifest");
        if (manifestBefore == null) {
            Manifest m = Manifest.load(root);
            m.discard();
            return;
        }
        AtomicFiles.write(manifestFile, manifestBefore, "rw-------");
        for (String b : listBackups()) {
            if (!backupsBefore.contains(b)) Files.deleteIfExists(root.resolve(Manifest.STATE_DIR + "/backup/" + b));
        }
    }

    private Set<String> listBackups() throws IOException {
        Path dir = root.resolve(Manifest.STATE_DIR + "/backup");
        Set<String> out = new HashSet<>();
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                s.forEach(p -> out.add(p.getFileName().toString()));
            }
        }
        return out;
    }
}

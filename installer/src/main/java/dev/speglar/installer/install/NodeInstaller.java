package dev.speglar.installer.install;

import dev.speglar.installer.containerd.ConfigValidationException;
import dev.speglar.installer.containerd.ContainerdBinary;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans and applies a node install: hosts.toml, containerd config, containerd restart with verification, agent.
 * Every failure after the first write rolls back all files written by this run, restarts containerd again when it
 * was restarted, and reports the step that failed. A run with nothing to change writes and restarts nothing.
 */
public final class NodeInstaller {

    /** What to mirror and where the mirror listens. */
    public record Mirror(List<String> registries, List<URI> targets, boolean resolveTags) {
        public Mirror {
            registries = List.copyOf(registries);
            targets = List.copyOf(targets);
        }
    }

    /** Optional cordon around the containerd restart. */
    public interface NodeGuard {
        void cordon() throws Exception;

        void uncordon() throws Exception;
    }

    private final HostRoot root;
    private final ContainerdTarget target;
    private final ContainerdBinary binary;
    private final Mirror mirror;
    private final AgentDeployment agent;
    private final CommandHook restart;
    private final ContainerdProbe probe;
    private final NodeGuard guard;
    private final Progress progress;

    public NodeInstaller(HostRoot root, ContainerdTarget target, ContainerdBinary binary, Mirror mirror, AgentDeployment agent,
                         CommandHook restart, ContainerdProbe probe, NodeGuard guard, Progress progress) {
        this.root = root;
        this.target = target;
        this.binary = binary;
        this.mirror = mirror;
        this.agent = agent;
        this.restart = restart;
        this.probe = probe;
        this.guard = guard;
        this.progress = progress;
    }

    public InstallPlan plan() throws InstallException {
        try {
            ContainerdConfigPlanner.Result cfg = new ContainerdConfigPlanner(root, binary).plan(target);
            List<FileChange> files = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            Map<String, String> hosts = HostsToml.render(mirror.registries(), mirror.targets(), mirror.resolveTags());
            for (var e : hosts.entrySet()) {
                String nodePath = cfg.hostsDir() + "/" + e.getKey();
                Path real = root.resolve(nodePath);
                byte[] now = Files.isRegularFile(real) ? Files.readAllBytes(real) : null;
                FileChange fc = new FileChange(nodePath, FileChange.Kind.HOSTS_TOML, now, e.getValue().getBytes(), "rw-r--r--");
                if (fc.changes()) files.add(fc);
            }
            warnings.addAll(shadowingHostDirs(cfg.hostsDir(), hosts.keySet()));
            files.addAll(cfg.changes());
            for (FileChange f : agent.files()) if (f.changes()) files.add(f);
            boolean restartNeeded = files.stream().anyMatch(f -> f.kind().needsContainerdRestart());
            return new InstallPlan(cfg, files, agent.otherChanges(), restartNeeded, warnings);
        } catch (ConfigValidationException | IllegalArgumentException e) {
            throw new InstallException("plan failed, nothing was changed: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new InstallException("plan failed, nothing was changed: " + e, e);
        }
    }

    /** Registry-specific hosts directories win over {@code _default}, so the mirror would not be used for them. */
    private List<String> shadowingHostDirs(String hostsDir, Set<String> ours) throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = root.resolve(hostsDir);
        if (!ours.contains("_default/hosts.toml") || !Files.isDirectory(dir)) return out;
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.equals("_default") && Files.isRegularFile(p.resolve("hosts.toml"))) {
                    out.add(hostsDir + "/" + name + "/hosts.toml exists and takes precedence over _default: pulls from " + name
                            + " will not use the mirror");
                }
            }
        }
        return out;
    }

    public InstallPlan install() throws InstallException {
        progress.start("plan and validate candidate config with containerd config dump");
        InstallPlan plan;
        try {
            plan = plan();
        } catch (InstallException e) {
            progress.failed(e.getMessage());
            throw e;
        }
        progress.ok(plan.files().size() + " file(s) to change" + (plan.restartContainerd() ? ", containerd restart required" : ""));
        for (String w : plan.warnings()) progress.info("warning: " + w);
        if (plan.isNoop()) {
            progress.info("Nothing to change: the node is already configured. No restart.");
            return plan;
        }
        new Run(plan).apply();
        return plan;
    }

    /** One apply attempt and everything needed to undo it. */
    private final class Run {
        private final InstallPlan plan;
        private final List<FileChange> written = new ArrayList<>();
        private final List<Path> createdDirs = new ArrayList<>();
        private byte[] manifestBefore;
        private Set<String> backupsBefore;
        private boolean restarted;
        private boolean cordoned;
        private boolean agentActivated;

        Run(InstallPlan plan) {
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
                Manifest manifest = Manifest.load(root);
                progress.start("record originals in " + Manifest.STATE_DIR);
                for (FileChange f : plan.files()) {
                    for (Path d : missingDirs(root.resolve(f.nodePath()).getParent())) manifest.recordDir(root.nodePath(d));
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
                boolean agentFiles = plan.files().stream().anyMatch(f -> f.kind() == FileChange.Kind.AGENT_UNIT || f.kind() == FileChange.Kind.AGENT_RUNTIME);
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
            List<FileChange> of = plan.files().stream().filter(f -> f.kind() == kind).toList();
            if (of.isEmpty()) return;
            progress.start(step);
            for (FileChange f : of) {
                Path real = root.resolve(f.nodePath());
                List<Path> dirs = missingDirs(real.getParent());
                createdDirs.addAll(dirs);
                written.add(f);
                AtomicFiles.write(real, f.after(), f.mode());
            }
            progress.ok(String.join(", ", of.stream().map(FileChange::nodePath).toList()));
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
                return "rolled back: every file restored" + (restarted ? ", containerd running on the original config" : "");
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

    /** Missing ancestors of {@code dir}, outermost first. */
    static List<Path> missingDirs(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) out.addFirst(p);
        return out;
    }
}

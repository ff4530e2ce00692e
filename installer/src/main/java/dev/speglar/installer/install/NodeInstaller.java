package dev.speglar.installer.install;

import dev.speglar.common.files.AtomicFiles;
import dev.speglar.common.hosts.HostsToml;
import dev.speglar.installer.containerd.ConfigValidationException;
import dev.speglar.installer.containerd.ContainerdBinary;
import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    public NodeInstaller(
            HostRoot root,
            ContainerdTarget target,
            ContainerdBinary binary,
            Mirror mirror,
            AgentDeployment agent,
            CommandHook restart,
            ContainerdProbe probe,
            NodeGuard guard,
            Progress progress) {
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

    /** The hosts.toml files, relative to the hosts directory, exactly as the agent's {@code configuration} writes them. */
    static Map<String, String> hostsFiles(Mirror mirror) {
        List<String> targets = mirror.targets().stream().map(URI::toString).toList();
        return HostsToml.files(mirror.registries(), targets, mirror.resolveTags(), null);
    }

    public InstallPlan plan() throws InstallException {
        try {
            ContainerdConfigPlanner.Result cfg = new ContainerdConfigPlanner(root, binary).plan(target);
            List<FileChange> files = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            Map<String, String> hosts = hostsFiles(mirror);
            for (var e : hosts.entrySet()) {
                String nodePath = cfg.hostsDir() + "/" + e.getKey();
                Path real = root.resolve(nodePath);
                byte[] now = Files.isRegularFile(real) ? Files.readAllBytes(real) : null;
                FileChange fc = new FileChange(
                        nodePath,
                        FileChange.Kind.HOSTS_TOML,
                        now,
                        e.getValue().getBytes(StandardCharsets.UTF_8),
                        AtomicFiles.CONFIG_MODE);
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
                    out.add(hostsDir + "/" + name + "/hosts.toml exists and takes precedence over _default: pulls from "
                            + name + " will not use the mirror");
                }
            }
        }
        return out;
    }

    public InstallPlan install() throws InstallException {
        try (InstallLock lock = InstallLock.acquire(root)) {
            return installLocked();
        }
    }

    private InstallPlan installLocked() throws InstallException {
        progress.start("plan and validate candidate config with containerd config dump");
        InstallPlan plan;
        try {
            plan = plan();
        } catch (InstallException e) {
            progress.failed(e.getMessage());
            throw e;
        }
        progress.ok(plan.files().size() + " file(s) to change"
                + (plan.restartContainerd() ? ", containerd restart required" : ""));
        for (String w : plan.warnings()) progress.info("warning: " + w);
        if (plan.isNoop()) {
            progress.info("Nothing to change: the node is already configured. No restart.");
            return plan;
        }
        new InstallRun(root, target, binary, agent, restart, probe, guard, progress, plan).apply();
        return plan;
    }

    /** Missing ancestors of {@code dir}, outermost first. */
    static List<Path> missingDirs(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) out.addFirst(p);
        return out;
    }
}

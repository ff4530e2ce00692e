package dev.speglar.installer.install;

import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent as a systemd service: the unit file plus the agent jar (the runtime), then a start hook
 * (default {@code systemctl daemon-reload && systemctl enable speglar-agent.service && systemctl restart ...}).
 */
public final class SystemdAgent implements AgentDeployment {

    public static final String START = "systemctl daemon-reload && systemctl enable " + SystemdUnit.NAME
            + " && systemctl restart " + SystemdUnit.NAME;
    public static final String STOP = "systemctl disable --now " + SystemdUnit.NAME + " && systemctl daemon-reload";

    private final HostRoot root;
    private final SystemdUnit unit;
    private final Path agentJarSource;
    private final CommandHook start;
    private final CommandHook stop;
    private boolean unitExistedBefore;

    /** @param agentJarSource jar to install at the unit's jar path, or null when it is already there */
    public SystemdAgent(HostRoot root, SystemdUnit unit, Path agentJarSource, CommandHook start, CommandHook stop) {
        this.root = root;
        this.unit = unit;
        this.agentJarSource = agentJarSource;
        this.start = start;
        this.stop = stop;
    }

    @Override
    public List<FileChange> files() throws IOException {
        List<FileChange> out = new ArrayList<>();
        byte[] currentUnit = read(SystemdUnit.PATH);
        unitExistedBefore = currentUnit != null;
        out.add(new FileChange(SystemdUnit.PATH, FileChange.Kind.AGENT_UNIT, currentUnit,
                unit.render().getBytes(java.nio.charset.StandardCharsets.UTF_8), "rw-r--r--"));
        if (agentJarSource != null) {
            if (!Files.isRegularFile(agentJarSource)) throw new IOException("agent jar not found: " + agentJarSource);
            out.add(new FileChange(unit.agentJar(), FileChange.Kind.AGENT_RUNTIME, read(unit.agentJar()),
                    Files.readAllBytes(agentJarSource), "rw-r--r--"));
            // The agent jar is thin: its manifest Class-Path names lib/*.jar beside it (agent/app packaging).
            Path lib = agentJarSource.toAbsolutePath().getParent().resolve("lib");
            if (Files.isDirectory(lib)) {
                String target = Path.of(unit.agentJar()).getParent().resolve("lib").toString();
                try (var s = Files.list(lib)) {
                    for (Path jar : s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                        String node = target + "/" + jar.getFileName();
                        out.add(new FileChange(node, FileChange.Kind.AGENT_RUNTIME, read(node), Files.readAllBytes(jar), "rw-r--r--"));
                    }
                }
            }
        }
        return out;
    }

    private byte[] read(String nodePath) throws IOException {
        Path p = root.resolve(nodePath);
        return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
    }

    @Override
    public List<String> otherChanges() {
        return List.of();
    }

    @Override
    public void activate(Manifest manifest, boolean filesChanged) throws IOException {
        if (filesChanged) start.run();
    }

    /** A new unit is stopped before its file goes away; an upgraded one is restarted on its old files afterwards. */
    @Override
    public void rollback() throws IOException {
        if (!unitExistedBefore) stop.run();
    }

    @Override
    public void afterRestore() throws IOException {
        if (unitExistedBefore) start.run();
    }

    @Override
    public void uninstall(Manifest manifest) throws IOException {
        if (manifest.find("file", SystemdUnit.PATH).isPresent()) stop.run();
    }
}

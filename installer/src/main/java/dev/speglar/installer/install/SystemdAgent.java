package dev.speglar.installer.install;

import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent as a systemd service: the unit file plus the agent's files (packaged app-image or jar), then a start hook
 * (default {@code systemctl daemon-reload && systemctl enable speglar-agent.service && systemctl restart ...}).
 */
public final class SystemdAgent implements AgentDeployment {

    public static final String START = "systemctl daemon-reload && systemctl enable " + SystemdUnit.NAME
            + " && systemctl restart " + SystemdUnit.NAME;
    public static final String STOP = "systemctl disable --now " + SystemdUnit.NAME + " && systemctl daemon-reload";

    private final HostRoot root;
    private final SystemdUnit unit;
    private final AgentPayload payload;
    private final CommandHook start;
    private final CommandHook stop;
    private boolean unitExistedBefore;

    /** @param payload the agent's files to install; {@link AgentPayload#none()} when they are already in place */
    public SystemdAgent(HostRoot root, SystemdUnit unit, AgentPayload payload, CommandHook start, CommandHook stop) {
        this.root = root;
        this.unit = unit;
        this.payload = payload;
        this.start = start;
        this.stop = stop;
    }

    @Override
    public List<FileChange> files() throws IOException {
        List<FileChange> out = new ArrayList<>();
        byte[] currentUnit = read(SystemdUnit.PATH);
        unitExistedBefore = currentUnit != null;
        out.add(new FileChange(
                SystemdUnit.PATH,
                FileChange.Kind.AGENT_UNIT,
                currentUnit,
                unit.render().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "rw-r--r--"));
        for (AgentPayload.Entry e : payload.entries()) {
            if (!Files.isRegularFile(e.source())) throw new IOException("agent file not found: " + e.source());
            out.add(new FileChange(
                    e.nodePath(),
                    FileChange.Kind.AGENT_RUNTIME,
                    read(e.nodePath()),
                    Files.readAllBytes(e.source()),
                    e.mode(),
                    Files.getLastModifiedTime(e.source())));
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

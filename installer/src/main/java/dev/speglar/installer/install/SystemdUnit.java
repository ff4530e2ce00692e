package dev.speglar.installer.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The agent's systemd unit. Ordered after containerd, restarted by systemd when it exits (as on containerd restarts).
 * The command is either the packaged runtime's java with the agent's @argfile or a JDK running the agent jar.
 */
public record SystemdUnit(List<String> command, List<String> agentArgs) {

    public static final String NAME = "speglar-agent.service";
    public static final String PATH = "/etc/systemd/system/" + NAME;

    public SystemdUnit {
        command = List.copyOf(command);
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("the agent's executable must be an absolute path: " + command);
        }
        agentArgs = List.copyOf(agentArgs);
        for (String a : agentArgs) {
            if (a.contains("\n") || a.contains("\"") || a.contains("%") || a.contains("\\")) {
                throw new IllegalArgumentException("agent argument not allowed in a unit file: " + a);
            }
        }
    }

    /**
     * The packaged agent in {@code appDir} (the speglar package's /opt/speglar): its runtime's java with the launcher's
     * class path and JVM options from {@code lib/app/speglar-agent.args} (LauncherArgs). Not bin/speglar-agent: the
     * jpackage launcher queries rpm and dpkg on every start before the JVM starts.
     */
    public static SystemdUnit packaged(String appDir, List<String> agentArgs) {
        Objects.requireNonNull(appDir, "appDir");
        return new SystemdUnit(
                List.of(appDir + "/lib/runtime/bin/java", "@" + appDir + "/" + AgentPayload.ARGFILE), agentArgs);
    }

    /** The agent jar on a JDK, with the JVM options bin/speglar-agent and the image use. */
    public static SystemdUnit jar(String javaExecutable, String agentJar, List<String> agentArgs) {
        Objects.requireNonNull(javaExecutable, "javaExecutable");
        Objects.requireNonNull(agentJar, "agentJar");
        if (!javaExecutable.startsWith("/") || !agentJar.startsWith("/")) {
            throw new IllegalArgumentException("java and agent jar paths must be absolute");
        }
        List<String> exec = new ArrayList<>(List.of(javaExecutable));
        exec.addAll(agentJvmOptions());
        exec.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", agentJar));
        return new SystemdUnit(exec, agentArgs);
    }

    public String render() {
        List<String> exec = new ArrayList<>(command);
        exec.add("registry");
        for (String a : agentArgs) exec.add(a.contains(" ") ? "\"" + a + "\"" : a);
        return """
                [Unit]
                Description=Speglar cluster-local OCI registry mirror
                Requires=containerd.service
                After=containerd.service network-online.target
                Wants=network-online.target

                [Service]
                Type=simple
                Environment=MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072
                ExecStart=%s
                Restart=always
                RestartSec=2
                KillMode=mixed
                LimitNOFILE=65536

                [Install]
                WantedBy=multi-user.target
                """.formatted(String.join(" ", exec));
    }

    /** packaging/agent-jvm.options without its comments, one option per element. */
    static List<String> agentJvmOptions() {
        try (var in = SystemdUnit.class.getResourceAsStream("agent-jvm.options")) {
            if (in == null) throw new IllegalStateException("agent-jvm.options missing from the installer jar");
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String code = line.replaceAll("#.*", "").strip();
                if (!code.isEmpty()) out.addAll(List.of(code.split("\\s+")));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

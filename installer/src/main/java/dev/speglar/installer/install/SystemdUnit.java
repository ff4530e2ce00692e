package dev.speglar.installer.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The agent's systemd unit. Ordered after containerd, restarted by systemd when it exits (as on containerd restarts). */
public record SystemdUnit(String javaExecutable, String agentJar, List<String> agentArgs) {

    public static final String NAME = "speglar-agent.service";
    public static final String PATH = "/etc/systemd/system/" + NAME;

    public SystemdUnit {
        Objects.requireNonNull(javaExecutable, "javaExecutable");
        Objects.requireNonNull(agentJar, "agentJar");
        if (!javaExecutable.startsWith("/") || !agentJar.startsWith("/")) {
            throw new IllegalArgumentException("java and agent jar paths must be absolute");
        }
        agentArgs = List.copyOf(agentArgs);
        for (String a : agentArgs) {
            if (a.contains("\n") || a.contains("\"") || a.contains("%") || a.contains("\\")) {
                throw new IllegalArgumentException("agent argument not allowed in a unit file: " + a);
            }
        }
    }

    public String render() {
        // Same JVM settings as bin/speglar-agent: small heap, pooled direct buffers, native access for epoll.
        List<String> exec = new ArrayList<>(List.of(javaExecutable, "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
                "-Xmx64m", "-XX:MaxDirectMemorySize=64m", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", agentJar, "registry"));
        for (String a : agentArgs) exec.add(a.contains(" ") ? "\"" + a + "\"" : a);
        return """
                [Unit]
                Description=Speglar cluster-local OCI registry mirror
                Requires=containerd.service
                After=containerd.service network-online.target
                Wants=network-online.target

                [Service]
                Type=simple
                ExecStart=%s
                Restart=always
                RestartSec=2
                KillMode=mixed
                LimitNOFILE=65536

                [Install]
                WantedBy=multi-user.target
                """.formatted(String.join(" ", exec));
    }
}

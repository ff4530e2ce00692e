package dev.speglar.installer.install.cli;

import dev.speglar.installer.PlatformGate;
import dev.speglar.installer.install.ConfigStrategy;
import dev.speglar.installer.install.SystemdAgent;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by plan, install, uninstall and doctor; {@link NodeWiring} turns them into the engine. */
public final class NodeOptions {

    @Option(
            names = "--host-root",
            paramLabel = "DIR",
            defaultValue = "/",
            description =
                    "Node filesystem root (/host in a container, a temp tree in tests). Default: ${DEFAULT-VALUE}")
    Path hostRoot;

    @Option(
            names = "--containerd-version",
            paramLabel = "VERSION",
            description = "containerd version, instead of detecting it.")
    String containerdVersion;

    @Option(
            names = "--containerd-config",
            paramLabel = "PATH",
            description = "Main containerd config (node path). Default: detected, else /etc/containerd/config.toml")
    String containerdConfig;

    @Option(
            names = "--containerd-socket",
            paramLabel = "PATH",
            description = "containerd socket (node path). Default: detected, else /run/containerd/containerd.sock")
    String containerdSocket;

    @Option(
            names = "--containerd-bin",
            paramLabel = "EXE",
            defaultValue = "containerd",
            description = "containerd binary used for 'config dump'. Default: ${DEFAULT-VALUE}")
    String containerdBin;

    @Option(
            names = "--ctr",
            paramLabel = "EXE",
            defaultValue = "ctr",
            description = "ctr binary used for post-restart checks. Default: ${DEFAULT-VALUE}")
    String ctr;

    @Option(
            names = "--config-strategy",
            paramLabel = "auto|in-place|drop-in",
            defaultValue = "auto",
            converter = StrategyFlag.Converter.class,
            completionCandidates = StrategyFlag.Candidates.class,
            description = "How to change the containerd config. Default: ${DEFAULT-VALUE}")
    ConfigStrategy configStrategy;

    @Option(
            names = "--hosts-dir",
            paramLabel = "DIR",
            description =
                    "Registry hosts directory (config_path). Default: the current one (first entry of a list), else /etc/containerd/certs.d")
    String hostsDir;

    @Option(
            names = "--node-ip",
            paramLabel = "IP",
            description = "Node IP the mirror listens on. Default: first non-loopback IPv4 address")
    String nodeIp;

    @Option(
            names = "--mirror-port",
            paramLabel = "PORT",
            defaultValue = "30020",
            description = "Agent registry port on the node. Default: ${DEFAULT-VALUE}")
    int mirrorPort;

    @Option(
            names = "--mirror-target",
            paramLabel = "URL",
            description = "Mirror endpoint(s) for hosts.toml. Default: http://<node-ip>:<mirror-port>")
    List<URI> mirrorTargets = new ArrayList<>();

    @Option(
            names = "--mirrored-registry",
            paramLabel = "URL",
            description = "Registry to mirror (repeatable). Default: all (_default)")
    List<String> mirroredRegistries = new ArrayList<>();

    @Option(names = "--no-resolve-tags", description = "Do not let the mirror resolve tags.")
    boolean noResolveTags;

    @Option(
            names = "--mode",
            paramLabel = "systemd|daemonset|none",
            defaultValue = "systemd",
            converter = AgentMode.Converter.class,
            completionCandidates = AgentMode.Candidates.class,
            description = "How the agent runs. Default: ${DEFAULT-VALUE}")
    AgentMode mode;

    @Option(
            names = "--agent-jar",
            paramLabel = "FILE",
            description = "Agent jar to install (systemd mode, run on --java)."
                    + " Default: the packaged agent of the speglar package.")
    Path agentJar;

    @Option(
            names = "--java",
            paramLabel = "EXE",
            description = "Java executable for a unit that runs --agent-jar. Default: this JVM's")
    String java;

    @Option(
            names = "--agent-arg",
            paramLabel = "ARG",
            description = "Extra agent argument (repeatable), e.g. --agent-arg=--bootstrap-kind=dns")
    List<String> agentArgs = new ArrayList<>();

    @Option(
            names = "--agent-start-command",
            paramLabel = "CMD",
            defaultValue = SystemdAgent.START,
            description = "Default: ${DEFAULT-VALUE}")
    String agentStart;

    @Option(
            names = "--agent-stop-command",
            paramLabel = "CMD",
            defaultValue = SystemdAgent.STOP,
            description = "Default: ${DEFAULT-VALUE}")
    String agentStop;

    @Option(
            names = "--restart-command",
            paramLabel = "CMD",
            defaultValue = "systemctl restart containerd",
            description = "Restarts containerd. Default: ${DEFAULT-VALUE}")
    String restartCommand;

    @Option(
            names = "--verify-timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "Wait for containerd after a restart. Default: ${DEFAULT-VALUE}")
    int verifyTimeoutSeconds;

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "Kubeconfig for daemonset mode and --cordon/--drain.")
    Path kubeconfig;

    @Option(
            names = "--namespace",
            defaultValue = "speglar",
            description = "DaemonSet namespace. Default: ${DEFAULT-VALUE}")
    String namespace;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Agent image (daemonset mode).")
    String image;

    @Option(
            names = "--node-name",
            paramLabel = "NAME",
            description = "This node's Kubernetes name (for --cordon/--drain).")
    String nodeName;

    @Option(
            names = "--cordon",
            description = "Cordon the node around the containerd restart (needs --kubeconfig, --node-name).")
    boolean cordon;

    @Option(names = "--drain", description = "Also drain the node before the restart (implies --cordon).")
    boolean drain;

    @Mixin
    PlatformGate gate;
}

package dev.speglar.installer.install.cli;

import dev.speglar.installer.ExitCode;
import dev.speglar.installer.PlatformGate;
import dev.speglar.installer.UserException;
import dev.speglar.installer.containerd.ConfigValidationException;
import dev.speglar.installer.containerd.ContainerdBinary;
import dev.speglar.installer.containerd.ContainerdVersion;
import dev.speglar.installer.detect.DetectCommand;
import dev.speglar.installer.detect.Detection;
import dev.speglar.installer.detect.Detector;
import dev.speglar.installer.detect.Platform;
import dev.speglar.installer.detect.Verdict;
import dev.speglar.installer.install.AgentDeployment;
import dev.speglar.installer.install.AgentPayload;
import dev.speglar.installer.install.CommandHook;
import dev.speglar.installer.install.ConfigStrategy;
import dev.speglar.installer.install.ContainerdProbe;
import dev.speglar.installer.install.ContainerdTarget;
import dev.speglar.installer.install.HostRoot;
import dev.speglar.installer.install.NodeInstaller;
import dev.speglar.installer.install.Progress;
import dev.speglar.installer.install.SystemdAgent;
import dev.speglar.installer.install.SystemdUnit;
import dev.speglar.installer.install.k8s.DaemonSetAgent;
import dev.speglar.installer.install.k8s.DaemonSetSpec;
import dev.speglar.installer.install.k8s.KubeNodeGuard;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by plan, install, uninstall and doctor, and the wiring from them to the engine. */
public final class NodeOptions {

    @Option(names = "--host-root", paramLabel = "DIR", defaultValue = "/",
            description = "Node filesystem root (/host in a container, a temp tree in tests). Default: ${DEFAULT-VALUE}")
    Path hostRoot;

    @Option(names = "--containerd-version", paramLabel = "VERSION", description = "containerd version, instead of detecting it.")
    String containerdVersion;

    @Option(names = "--containerd-config", paramLabel = "PATH", description = "Main containerd config (node path). Default: detected, else /etc/containerd/config.toml")
    String containerdConfig;

    @Option(names = "--containerd-socket", paramLabel = "PATH", description = "containerd socket (node path). Default: detected, else /run/containerd/containerd.sock")
    String containerdSocket;

    @Option(names = "--containerd-bin", paramLabel = "EXE", defaultValue = "containerd", description = "containerd binary used for 'config dump'. Default: ${DEFAULT-VALUE}")
    String containerdBin;

    @Option(names = "--ctr", paramLabel = "EXE", defaultValue = "ctr", description = "ctr binary used for post-restart checks. Default: ${DEFAULT-VALUE}")
    String ctr;

    @Option(names = "--config-strategy", paramLabel = "auto|in-place|drop-in", defaultValue = "auto",
            description = "How to change the containerd config. Default: ${DEFAULT-VALUE}")
    String configStrategy;

    @Option(names = "--hosts-dir", paramLabel = "DIR", description = "Registry hosts directory (config_path). Default: the current one (first entry of a list), else /etc/containerd/certs.d")
    String hostsDir;

    @Option(names = "--node-ip", paramLabel = "IP", description = "Node IP the mirror listens on. Default: first non-loopback IPv4 address")
    String nodeIp;

    @Option(names = "--mirror-port", paramLabel = "PORT", defaultValue = "30020", description = "Agent registry port on the node. Default: ${DEFAULT-VALUE}")
    int mirrorPort;

    @Option(names = "--mirror-target", paramLabel = "URL", description = "Mirror endpoint(s) for hosts.toml. Default: http://<node-ip>:<mirror-port>")
    List<URI> mirrorTargets = new ArrayList<>();

    @Option(names = "--mirrored-registry", paramLabel = "URL", description = "Registry to mirror (repeatable). Default: all (_default)")
    List<String> mirroredRegistries = new ArrayList<>();

    @Option(names = "--no-resolve-tags", description = "Do not let the mirror resolve tags.")
    boolean noResolveTags;

    @Option(names = "--mode", paramLabel = "systemd|daemonset|none", defaultValue = "systemd", description = "How the agent runs. Default: ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--agent-jar", paramLabel = "FILE", description = "Agent jar to install (systemd mode, run on --java)."
            + " Default: the packaged agent of the speglar package.")
    Path agentJar;

    @Option(names = "--java", paramLabel = "EXE", description = "Java executable for a unit that runs --agent-jar. Default: this JVM's")
    String java;

    @Option(names = "--agent-arg", paramLabel = "ARG", description = "Extra agent argument (repeatable), e.g. --agent-arg=--bootstrap-kind=dns")
    List<String> agentArgs = new ArrayList<>();

    @Option(names = "--agent-start-command", paramLabel = "CMD", defaultValue = SystemdAgent.START, description = "Default: ${DEFAULT-VALUE}")
    String agentStart;

    @Option(names = "--agent-stop-command", paramLabel = "CMD", defaultValue = SystemdAgent.STOP, description = "Default: ${DEFAULT-VALUE}")
    String agentStop;

    @Option(names = "--restart-command", paramLabel = "CMD", defaultValue = "systemctl restart containerd",
            description = "Restarts containerd. Default: ${DEFAULT-VALUE}")
    String restartCommand;

    @Option(names = "--verify-timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Wait for containerd after a restart. Default: ${DEFAULT-VALUE}")
    int verifyTimeoutSeconds;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig for daemonset mode and --cordon/--drain.")
    Path kubeconfig;

    @Option(names = "--namespace", defaultValue = "speglar", description = "DaemonSet namespace. Default: ${DEFAULT-VALUE}")
    String namespace;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Agent image (daemonset mode).")
    String image;

    @Option(names = "--node-name", paramLabel = "NAME", description = "This node's Kubernetes name (for --cordon/--drain).")
    String nodeName;

    @Option(names = "--cordon", description = "Cordon the node around the containerd restart (needs --kubeconfig, --node-name).")
    boolean cordon;

    @Option(names = "--drain", description = "Also drain the node before the restart (implies --cordon).")
    boolean drain;

    @Mixin
    PlatformGate gate;

    private KubernetesClient client;

    HostRoot root() {
        DetectCommand.openRoot(hostRoot);
        return new HostRoot(hostRoot);
    }

    Detection detect() {
        Optional<dev.speglar.installer.detect.ContainerdVersion> v = Optional.empty();
        if (containerdVersion != null) {
            ContainerdVersion parsed = version(containerdVersion);
            v = Optional.of(dev.speglar.installer.detect.ContainerdVersion.of(parsed.major(), parsed.minor(), parsed.patch()));
        }
        return new Detector(DetectCommand.openRoot(hostRoot), v).detect();
    }

    /** Refuses platforms where an on-node change is wrong, pointing at the command that is right. */
    Detection gatedDetection() {
        Detection d = detect();
        gate.check(d);
        if (d.verdict() == Verdict.PRE_BOOT_ONLY || d.verdict() == Verdict.NATIVE_MIRROR) {
            throw new UserException("not changing this node (" + d.platform() + ", " + d.verdict() + "): "
                    + String.join(" ", d.reasons()), ExitCode.FAILED);
        }
        return d;
    }

    ContainerdBinary binary() {
        return new ContainerdBinary(containerdBin);
    }

    ContainerdTarget target(Detection d) {
        ContainerdVersion v;
        if (containerdVersion != null) {
            v = version(containerdVersion);
        } else if (d.containerd().version().isPresent()) {
            var dv = d.containerd().version().get();
            v = new ContainerdVersion(dv.major(), dv.minor(), dv.patch());
        } else if (root().isSystemRoot()) {
            try {
                v = binary().version();
            } catch (ConfigValidationException e) {
                throw new UserException(e.getMessage() + "; pass --containerd-version");
            }
        } else {
            throw new UserException("containerd version unknown under --host-root " + hostRoot + ": pass --containerd-version", ExitCode.USAGE);
        }
        String config = containerdConfig != null ? containerdConfig
                : d.containerd().configFiles().isEmpty() ? "/etc/containerd/config.toml" : d.containerd().configFiles().getFirst();
        // AL2 copies its template at bootstrap; AL2023 nodeadm rewrites every boot; MicroK8s/k0s render from templates.
        boolean regenerated = List.of(Platform.EKS_AL2, Platform.EKS_AL2023, Platform.MICROK8S, Platform.K0S).contains(d.platform());
        try {
            return new ContainerdTarget(v, config, regenerated, strategy(), hostsDir);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), ExitCode.USAGE);
        }
    }

    private ConfigStrategy strategy() {
        return switch (configStrategy) {
            case "auto" -> ConfigStrategy.AUTO;
            case "in-place" -> ConfigStrategy.IN_PLACE;
            case "drop-in" -> ConfigStrategy.DROP_IN;
            default -> throw new UserException("--config-strategy must be auto, in-place or drop-in", ExitCode.USAGE);
        };
    }

    static ContainerdVersion version(String text) {
        try {
            return ContainerdVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException("--containerd-version: " + e.getMessage(), ExitCode.USAGE);
        }
    }

    String socket(Detection d) {
        String s = containerdSocket != null ? containerdSocket : d.containerd().socket().orElse("/run/containerd/containerd.sock");
        return root().resolve(s).toString();
    }

    ContainerdProbe probe(Detection d) {
        return new ContainerdProbe(ctr, socket(d), Duration.ofSeconds(verifyTimeoutSeconds));
    }

    CommandHook restartHook() {
        return CommandHook.shell(restartCommand, Duration.ofSeconds(Math.max(verifyTimeoutSeconds, 30)));
    }

    List<URI> mirrorTargets() {
        if (!mirrorTargets.isEmpty()) return mirrorTargets;
        return List.of(URI.create("http://" + nodeIp() + ":" + mirrorPort));
    }

    String nodeIp() {
        if (nodeIp != null) return nodeIp;
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) continue;
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) return a.getHostAddress();
                }
            }
        } catch (SocketException e) {
            throw new UserException("cannot list network interfaces: " + e.getMessage() + "; pass --node-ip");
        }
        throw new UserException("no non-loopback IPv4 address found; pass --node-ip or --mirror-target");
    }

    NodeInstaller.Mirror mirror() {
        try {
            return new NodeInstaller.Mirror(mirroredRegistries, mirrorTargets(), !noResolveTags);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), ExitCode.USAGE);
        }
    }

    AgentDeployment agent(Detection d) {
        boolean bootstrap = agentArgs.stream().anyMatch(a -> a.startsWith("--bootstrap-kind") || a.equals("--standalone"));
        if (!mode.equals("none") && !bootstrap) {
            // The agent refuses to start without one; catch it here instead of installing a crash-looping agent.
            throw new UserException("the agent needs a peer bootstrap: add --agent-arg=--bootstrap-kind=static|dns|http"
                    + " with its flags, or --agent-arg=--standalone for a single node", ExitCode.USAGE);
        }
        return switch (mode) {
            case "none" -> AgentDeployment.NONE;
            case "systemd" -> {
                try {
                    yield systemdAgent();
                } catch (IOException e) {
                    throw new UserException("cannot read the agent's files: " + e.getMessage(), ExitCode.FAILED);
                }
            }
            case "daemonset" -> {
                if (image == null) throw new UserException("daemonset mode needs --image", ExitCode.USAGE);
                yield new DaemonSetAgent(client(), new DaemonSetSpec(namespace, "speglar", image, mirrorPort,
                        d.containerd().socket().orElse("/run/containerd/containerd.sock"),
                        "/var/lib/containerd/io.containerd.content.v1.content", agentArgs));
            }
            default -> throw new UserException("--mode must be systemd, daemonset or none", ExitCode.USAGE);
        };
    }

    /**
     * The agent as a systemd unit. From a build tree (bin/speglar): the agent jar given by --agent-jar on a JDK. From
     * the packaged installer: the packaged agent, from this installer's own app-image (no network, no system JDK);
     * its files are copied to /opt/speglar only when they are not already there (package installs own them).
     */
    private AgentDeployment systemdAgent() throws IOException {
        CommandHook startHook = CommandHook.shell(agentStart, Duration.ofSeconds(60));
        CommandHook stopHook = CommandHook.shell(agentStop, Duration.ofSeconds(60));
        Optional<Path> app = AgentPayload.runningAppImage();
        if (agentJar == null && java == null && app.isPresent()) {
            String dir = AgentPayload.PACKAGE_DIR;
            Path target = root().resolve(dir);
            boolean inPlace = Files.isDirectory(target) && Files.isSameFile(target, app.get());
            SystemdUnit unit = SystemdUnit.launcher(dir + "/bin/speglar-agent", agentArgs());
            return new SystemdAgent(root(), unit, inPlace ? AgentPayload.none() : AgentPayload.appImage(app.get(), dir),
                    startHook, stopHook);
        }
        String javaExe = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String nodeJar = AgentPayload.PACKAGE_DIR + "/speglar-agent.jar";
        SystemdUnit unit = SystemdUnit.jar(javaExe, nodeJar, agentArgs());
        if (agentJar == null && !Files.isRegularFile(root().resolve(nodeJar))) {
            throw new UserException("systemd mode needs the agent: install the speglar package (which carries it), or"
                    + " pass --agent-jar (installed to " + nodeJar + ")", ExitCode.USAGE);
        }
        return new SystemdAgent(root(), unit, agentJar == null ? AgentPayload.none() : AgentPayload.jar(agentJar, nodeJar),
                startHook, stopHook);
    }

    /** Uninstall only needs the stop hook; the unit content is irrelevant. */
    AgentDeployment systemdForUninstall() {
        SystemdUnit unit = SystemdUnit.launcher(AgentPayload.PACKAGE_DIR + "/bin/speglar-agent", List.of());
        return new SystemdAgent(root(), unit, AgentPayload.none(), CommandHook.none(),
                CommandHook.shell(agentStop, Duration.ofSeconds(60)));
    }

    /** Uninstall with Kubernetes objects in the manifest: they are removed through the API. */
    AgentDeployment agentForUninstall(Detection d) {
        DaemonSetAgent k8s = new DaemonSetAgent(client(), new DaemonSetSpec(namespace, "speglar", image == null ? "unused" : image,
                mirrorPort, "/run/containerd/containerd.sock", "/var/lib/containerd/io.containerd.content.v1.content", List.of()));
        AgentDeployment systemd = systemdForUninstall();
        return new AgentDeployment() {
            @Override public List<dev.speglar.installer.install.FileChange> files() { return List.of(); }
            @Override public List<String> otherChanges() { return List.of(); }
            @Override public void activate(dev.speglar.installer.install.Manifest m, boolean f) {}
            @Override public void rollback() {}
            @Override public void uninstall(dev.speglar.installer.install.Manifest m) throws Exception {
                systemd.uninstall(m);
                k8s.uninstall(m);
            }
        };
    }

    private List<String> agentArgs() {
        List<String> args = new ArrayList<>(List.of("--registry-addr=:" + mirrorPort));
        args.addAll(agentArgs);
        return args;
    }

    NodeInstaller.NodeGuard guard() {
        if (!cordon && !drain) return null;
        return new KubeNodeGuard(client(), nodeName, drain, Duration.ofMinutes(5));
    }

    KubernetesClient client() {
        if (client != null) return client;
        if (kubeconfig == null) throw new UserException("this needs --kubeconfig", ExitCode.USAGE);
        try {
            client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
            return client;
        } catch (IOException e) {
            throw new UserException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage());
        }
    }

    NodeInstaller installer(Detection d, Progress progress) {
        return new NodeInstaller(root(), target(d), binary(), mirror(), agent(d), restartHook(), probe(d), guard(), progress);
    }

    void close() {
        if (client != null) client.close();
    }
}

package dev.speglar.installer.install.cli;

import dev.speglar.installer.ExitCode;
import dev.speglar.installer.UserException;
import dev.speglar.installer.containerd.ConfigValidationException;
import dev.speglar.installer.containerd.ContainerdBinary;
import dev.speglar.installer.containerd.ContainerdVersion;
import dev.speglar.installer.detect.DetectCommand;
import dev.speglar.installer.detect.Detection;
import dev.speglar.installer.detect.Detector;
import dev.speglar.installer.detect.HostRoot;
import dev.speglar.installer.detect.Platform;
import dev.speglar.installer.detect.Verdict;
import dev.speglar.installer.install.AgentDeployment;
import dev.speglar.installer.install.AgentPayload;
import dev.speglar.installer.install.CommandHook;
import dev.speglar.installer.install.ContainerdProbe;
import dev.speglar.installer.install.ContainerdTarget;
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

/** Builds the install engine (detection, target, installer, agent deployment, hooks) from {@link NodeOptions}. */
final class NodeWiring {
    private final NodeOptions o;
    private KubernetesClient client;

    NodeWiring(NodeOptions options) {
        this.o = options;
    }

    HostRoot root() {
        DetectCommand.openRoot(o.hostRoot);
        return new HostRoot(o.hostRoot);
    }

    Detection detect() {
        Optional<ContainerdVersion> v = Optional.empty();
        if (o.containerdVersion != null) {
            v = Optional.of(version(o.containerdVersion));
        }
        return new Detector(DetectCommand.openRoot(o.hostRoot), v).detect();
    }

    /** Refuses platforms where an on-node change is wrong, pointing at the command that is right. */
    Detection gatedDetection() {
        Detection d = detect();
        o.gate.check(d);
        if (d.verdict() == Verdict.PRE_BOOT_ONLY || d.verdict() == Verdict.NATIVE_MIRROR) {
            throw new UserException(
                    "not changing this node (" + d.platform() + ", " + d.verdict() + "): "
                            + String.join(" ", d.reasons()),
                    ExitCode.FAILED);
        }
        return d;
    }

    ContainerdBinary binary() {
        return new ContainerdBinary(o.containerdBin);
    }

    ContainerdTarget target(Detection d) {
        ContainerdVersion v;
        if (o.containerdVersion != null) {
            v = version(o.containerdVersion);
        } else if (d.containerd().version().isPresent()) {
            v = d.containerd().version().get();
        } else if (root().isSystemRoot()) {
            try {
                v = binary().version();
            } catch (ConfigValidationException e) {
                throw new UserException(e.getMessage() + "; pass --containerd-version");
            }
        } else {
            throw new UserException(
                    "containerd version unknown under --host-root " + o.hostRoot + ": pass --containerd-version",
                    ExitCode.USAGE);
        }
        String config = o.containerdConfig != null
                ? o.containerdConfig
                : d.containerd().configFiles().isEmpty()
                        ? "/etc/containerd/config.toml"
                        : d.containerd().configFiles().getFirst();
        // AL2 copies its template at bootstrap; AL2023 nodeadm rewrites every boot; MicroK8s/k0s render from templates.
        boolean regenerated = List.of(Platform.EKS_AL2, Platform.EKS_AL2023, Platform.MICROK8S, Platform.K0S)
                .contains(d.platform());
        try {
            return new ContainerdTarget(v, config, regenerated, o.configStrategy, o.hostsDir);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), ExitCode.USAGE);
        }
    }

    static ContainerdVersion version(String text) {
        try {
            return ContainerdVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException("--containerd-version: " + e.getMessage(), ExitCode.USAGE);
        }
    }

    String socket(Detection d) {
        String s = o.containerdSocket != null
                ? o.containerdSocket
                : d.containerd().socket().orElse("/run/containerd/containerd.sock");
        return root().resolve(s).toString();
    }

    ContainerdProbe probe(Detection d) {
        return new ContainerdProbe(o.ctr, socket(d), Duration.ofSeconds(o.verifyTimeoutSeconds));
    }

    CommandHook restartHook() {
        return CommandHook.shell(o.restartCommand, Duration.ofSeconds(Math.max(o.verifyTimeoutSeconds, 30)));
    }

    List<URI> mirrorTargets() {
        if (!o.mirrorTargets.isEmpty()) return o.mirrorTargets;
        return List.of(URI.create("http://" + nodeIp() + ":" + o.mirrorPort));
    }

    String nodeIp() {
        if (o.nodeIp != null) return o.nodeIp;
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
            return new NodeInstaller.Mirror(o.mirroredRegistries, mirrorTargets(), !o.noResolveTags);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), ExitCode.USAGE);
        }
    }

    AgentDeployment agent(Detection d) {
        boolean bootstrap =
                o.agentArgs.stream().anyMatch(a -> a.startsWith("--bootstrap-kind") || a.equals("--standalone"));
        if (o.mode != AgentMode.NONE && !bootstrap) {
            // The agent refuses to start without one; catch it here instead of installing a crash-looping agent.
            throw new UserException(
                    "the agent needs a peer bootstrap: add --agent-arg=--bootstrap-kind=static|dns|http"
                            + " with its flags, or --agent-arg=--standalone for a single node",
                    ExitCode.USAGE);
        }
        return switch (o.mode) {
            case NONE -> AgentDeployment.NONE;
            case SYSTEMD -> {
                try {
                    yield systemdAgent();
                } catch (IOException e) {
                    throw new UserException("cannot read the agent's files: " + e.getMessage(), ExitCode.FAILED);
                }
            }
            case DAEMONSET -> {
                if (o.image == null) throw new UserException("daemonset mode needs --image", ExitCode.USAGE);
                DaemonSetAgent ds = new DaemonSetAgent(
                        client(),
                        new DaemonSetSpec(
                                o.namespace,
                                "speglar",
                                o.image,
                                o.mirrorPort,
                                d.containerd().socket().orElse("/run/containerd/containerd.sock"),
                                "/var/lib/containerd/io.containerd.content.v1.content",
                                o.agentArgs,
                                selinuxEnforcing() ? "spc_t" : null));
                ds.serverVersion(); // refuses an unsupported API server before the plan
                yield ds;
            }
        };
    }

    /** SELinux in enforcing mode on the node (container-selinux's privileged type spc_t is then needed). */
    private boolean selinuxEnforcing() {
        try {
            return Files.readString(root().resolve("/sys/fs/selinux/enforce"))
                    .strip()
                    .equals("1");
        } catch (IOException e) {
            return false; // no selinuxfs: SELinux is off
        }
    }

    /**
     * The agent as a systemd unit. From a build tree (bin/speglar): the agent jar given by --agent-jar on a JDK. From
     * the packaged installer: the packaged agent, from this installer's own app-image (no network, no system JDK);
     * its files are copied to /opt/speglar only when they are not already there (package installs own them).
     */
    private AgentDeployment systemdAgent() throws IOException {
        CommandHook startHook = CommandHook.shell(o.agentStart, Duration.ofSeconds(60));
        CommandHook stopHook = CommandHook.shell(o.agentStop, Duration.ofSeconds(60));
        Optional<Path> app = AgentPayload.runningAppImage();
        if (o.agentJar == null && o.java == null && app.isPresent()) {
            String dir = AgentPayload.PACKAGE_DIR;
            Path target = root().resolve(dir);
            boolean inPlace = Files.isDirectory(target) && Files.isSameFile(target, app.get());
            SystemdUnit unit = SystemdUnit.packaged(dir, agentArgs());
            return new SystemdAgent(
                    root(),
                    unit,
                    inPlace ? AgentPayload.none() : AgentPayload.appImage(app.get(), dir),
                    startHook,
                    stopHook);
        }
        String javaExe = o.java != null
                ? o.java
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String nodeJar = AgentPayload.PACKAGE_DIR + "/speglar-agent.jar";
        SystemdUnit unit = SystemdUnit.jar(javaExe, nodeJar, agentArgs());
        if (o.agentJar == null && !Files.isRegularFile(root().resolve(nodeJar))) {
            throw new UserException(
                    "systemd mode needs the agent: install the speglar package (which carries it), or"
                            + " pass --agent-jar (installed to " + nodeJar + ")",
                    ExitCode.USAGE);
        }
        return new SystemdAgent(
                root(),
                unit,
                o.agentJar == null ? AgentPayload.none() : AgentPayload.jar(o.agentJar, nodeJar),
                startHook,
                stopHook);
    }

    /** Uninstall only needs the stop hook; the unit content is irrelevant. */
    AgentDeployment systemdForUninstall() {
        SystemdUnit unit = SystemdUnit.packaged(AgentPayload.PACKAGE_DIR, List.of());
        return new SystemdAgent(
                root(),
                unit,
                AgentPayload.none(),
                CommandHook.none(),
                CommandHook.shell(o.agentStop, Duration.ofSeconds(60)));
    }

    /** Uninstall with Kubernetes objects in the manifest: they are removed through the API. */
    AgentDeployment agentForUninstall(Detection d) {
        DaemonSetAgent k8s = new DaemonSetAgent(
                client(),
                new DaemonSetSpec(
                        o.namespace,
                        "speglar",
                        o.image == null ? "unused" : o.image,
                        o.mirrorPort,
                        "/run/containerd/containerd.sock",
                        "/var/lib/containerd/io.containerd.content.v1.content",
                        List.of()));
        AgentDeployment systemd = systemdForUninstall();
        return new AgentDeployment() {
            @Override
            public List<dev.speglar.installer.install.FileChange> files() {
                return List.of();
            }

            @Override
            public List<String> otherChanges() {
                return List.of();
            }

            @Override
            public void activate(dev.speglar.installer.install.Manifest m, boolean f) {}

            @Override
            public void rollback() {}

            @Override
            public void uninstall(dev.speglar.installer.install.Manifest m) throws Exception {
                systemd.uninstall(m);
                k8s.uninstall(m);
            }
        };
    }

    private List<String> agentArgs() {
        List<String> args = new ArrayList<>(List.of("--registry-addr=:" + o.mirrorPort));
        args.addAll(o.agentArgs);
        return args;
    }

    NodeInstaller.NodeGuard guard() {
        if (!o.cordon && !o.drain) return null;
        return new KubeNodeGuard(client(), o.nodeName, o.drain, Duration.ofMinutes(5));
    }

    KubernetesClient client() {
        if (client != null) return client;
        if (o.kubeconfig == null) throw new UserException("this needs --kubeconfig", ExitCode.USAGE);
        try {
            client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(o.kubeconfig)))
                    .build();
            return client;
        } catch (IOException e) {
            throw new UserException("cannot read kubeconfig " + o.kubeconfig + ": " + e.getMessage());
        }
    }

    NodeInstaller installer(Detection d, Progress progress) {
        return new NodeInstaller(
                root(), target(d), binary(), mirror(), agent(d), restartHook(), probe(d), guard(), progress);
    }

    void close() {
        if (client != null) client.close();
    }
}

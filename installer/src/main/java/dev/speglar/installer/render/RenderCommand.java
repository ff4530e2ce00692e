package dev.speglar.installer.render;

import dev.speglar.installer.ExitCode;
import dev.speglar.installer.KubernetesVersion;
import dev.speglar.installer.UserException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code speglar render PRESET [-o DIR]}: pre-boot configuration for a platform. Touches nothing on the host. */
@Command(
        name = "render",
        mixinStandardHelpOptions = true,
        description = {
            "Render a pre-boot preset: launch-template user data, kind/Talos config, k3s/RKE2 embedded-mirror",
            "config, Bottlerocket settings, a systemd unit or DaemonSet manifests. Prints to stdout unless -o is given.",
        },
        footer = {
            "",
            "Presets: eks-al2, eks-al2023, kind, talos, k3s, rke2, bottlerocket, systemd, daemonset.",
            "Examples:",
            "  speglar render kind --kind-config my-kind.yaml -o out/",
            "  speglar render talos --talos-version v1.11.2",
            "  speglar render eks-al2023 --file user-data.mime > user-data",
            "  speglar render eks-al2023 --file user-data.mime --package-url https://example.com/speglar.rpm \\",
            "      --install-args '--agent-arg=--bootstrap-kind=dns --agent-arg=--dns-bootstrap-domain=speglar.example'",
            "  speglar render daemonset --image registry.example.com/speglar-agent:0.1.0 > speglar.yaml"
        })
public final class RenderCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "PRESET",
            completionCandidates = PresetCandidates.class,
            description = "One of: ${COMPLETION-CANDIDATES}")
    String preset;

    @Option(
            names = {"-o", "--output-dir"},
            paramLabel = "DIR",
            description = "Write the files into DIR (created if needed) instead of printing them.")
    Path outputDir;

    @Option(
            names = "--file",
            paramLabel = "NAME",
            description = "Print only this file of a multi-file preset (e.g. user-data.mime), with no separator line.")
    String onlyFile;

    @Option(
            names = "--config-path",
            paramLabel = "DIR",
            description = "containerd registry config path (hosts.toml root). Default: /etc/containerd/certs.d"
                    + " (talos: /etc/cri/conf.d/hosts).")
    String configPath;

    @Option(names = "--namespace", paramLabel = "NAME", description = "Namespace for the agent (default: speglar).")
    String namespace;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Agent image (daemonset, talos).")
    String image;

    @Option(names = "--node-port", paramLabel = "PORT", description = "Registry NodePort (default: 30020).")
    Integer nodePort;

    @Option(names = "--containerd-sock", paramLabel = "PATH", description = "containerd socket the agent uses.")
    String containerdSock;

    @Option(names = "--containerd-content-path", paramLabel = "DIR", description = "containerd content store.")
    String contentPath;

    @Option(
            names = "--no-mirror-add",
            negatable = false,
            description = "DaemonSet without the init container that writes hosts.toml (Bottlerocket).")
    boolean noMirrorAdd;

    @Option(names = "--kind-name", paramLabel = "NAME", description = "kind cluster name (default: speglar).")
    String kindName;

    @Option(
            names = "--kind-config",
            paramLabel = "FILE",
            description = "Merge Speglar's containerdConfigPatches into this existing kind Cluster config.")
    Path kindConfig;

    @Option(
            names = "--talos-version",
            paramLabel = "VERSION",
            description = "Talos version (v1.13.4, 1.13, v1.14.0-rc.1), selects the patch form: >= 1.14"
                    + " CRICustomizationConfig, 1.8-1.13 machine.files with v3 keys, <= 1.7 v2 keys. Default: v1.13,"
                    + " the newest stable release.")
    String talosVersion;

    @Option(
            names = "--talosctl-version",
            paramLabel = "FILE",
            description = "talos: read the nodes' Talos version from saved 'talosctl version' output ('-' for stdin)"
                    + " instead of --talos-version.")
    Path talosctlVersion;

    @Option(
            names = "--kubernetes-version",
            paramLabel = "VERSION",
            description = "daemonset, talos: Kubernetes version the manifests are for (e.g. 1.31 or the server's"
                    + " v1.31.4-eks-...). >= 1.34: trafficDistribution PreferSameNode; older and by default:"
                    + " internalTrafficPolicy Local, which every supported version (>= 1.29) accepts.")
    String kubernetesVersion;

    @Option(
            names = "--selinux-type",
            paramLabel = "TYPE",
            description = "daemonset, talos: pod seLinuxOptions type for SELinux-enforcing hosts, where the default"
                    + " container type cannot reach the containerd socket and content store: super_t on Bottlerocket,"
                    + " spc_t with container-selinux (RHEL, Fedora). Default: none, as upstream's chart.")
    String selinuxType;

    @Option(names = "--agent-path", paramLabel = "PATH", description = "speglar-agent binary (systemd unit).")
    String agentPath;

    @Option(names = "--node-ip", paramLabel = "IP", description = "Node address in agent.env (systemd).")
    String nodeIp;

    @Option(
            names = "--bootstrap-args",
            paramLabel = "ARGS",
            description = "Agent bootstrap flags in agent.env (systemd), e.g. '--bootstrap-kind=dns"
                    + " --dns-bootstrap-domain=speglar.example.com'.")
    String bootstrapArgs;

    @Option(
            names = "--eks-bootstrap-args",
            paramLabel = "ARGS",
            description = "eks-al2, self-managed nodes only: arguments for /etc/eks/bootstrap.sh (cluster name ...).")
    String eksBootstrapArgs;

    @Option(
            names = "--package-url",
            paramLabel = "URL",
            description = "eks-al2, eks-al2023: user data also installs the speglar .rpm from URL and runs"
                    + " 'speglar install --yes --mode systemd' with --install-args once containerd is up.")
    String packageUrl;

    @Option(
            names = "--install-args",
            paramLabel = "ARGS",
            description = "eks-al2, eks-al2023: flags for 'speglar install' on the node, e.g."
                    + " '--agent-arg=--bootstrap-kind=dns --agent-arg=--dns-bootstrap-domain=speglar.example.com'.")
    String installArgs;

    @Option(
            names = "--eks-kubelet-extra-args",
            paramLabel = "FLAGS",
            description = "eks-al2, with --eks-bootstrap-args: kubelet flags passed to bootstrap.sh as one"
                    + " --kubelet-extra-args value, e.g. '--node-labels=team=a --max-pods=110'.")
    String eksKubeletExtraArgs;

    @Option(
            names = "--user-data",
            paramLabel = "FILE",
            description = "eks-al2023: your existing user data (MIME, NodeConfig YAML or a script); Speglar's"
                    + " NodeConfig is added with the containerd config version your NodeConfig already uses.")
    Path userData;

    @Option(
            names = "--talos-config",
            paramLabel = "FILE",
            description = "talos: your machine config (e.g. 'talosctl get machineconfig -o yaml' or controlplane.yaml)."
                    + " If it already has /etc/cri/conf.d/20-customization.part, the patch is a JSON patch that adds"
                    + " Speglar's setting to that file instead of a second entry for the same path.")
    Path talosConfig;

    @Option(
            names = "--registries-config",
            paramLabel = "FILE",
            description = "k3s, rke2: your existing /etc/rancher/<k3s|rke2>/registries.yaml. Its mirrors and configs"
                    + " are kept and Speglar's registries added; unknown fields are an error.")
    Path registriesConfig;

    @Option(
            names = "--mirror-endpoint",
            paramLabel = "URL",
            description = "bottlerocket: mirror endpoint (default: http://127.0.0.1:30020).")
    String mirrorEndpoint;

    @Option(
            names = "--mirrored-registries",
            paramLabel = "HOST",
            split = ",",
            description = "k3s/rke2: registries to mirror (default: \"*\", all).")
    List<String> mirroredRegistries = new ArrayList<>();

    /** Preset names for completion and help. */
    static final class PresetCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return java.util.Arrays.stream(Preset.values()).map(Preset::id).iterator();
        }
    }

    @Override
    public Integer call() {
        Preset p;
        RenderOptions options;
        try {
            p = Preset.fromId(preset);
            if (talosctlVersion != null) {
                if (talosVersion != null || p != Preset.TALOS) {
                    throw new IllegalArgumentException(
                            "--talosctl-version only applies to the talos preset, without" + " --talos-version");
                }
                talosVersion =
                        TalosVersion.fromTalosctl(readInput(talosctlVersion)).text();
            }
            options = new RenderOptions(
                    Optional.ofNullable(configPath),
                    Optional.ofNullable(namespace),
                    Optional.ofNullable(image),
                    Optional.ofNullable(nodePort),
                    Optional.ofNullable(containerdSock),
                    Optional.ofNullable(contentPath),
                    Optional.ofNullable(kindName),
                    Optional.ofNullable(kindConfig),
                    Optional.ofNullable(talosVersion),
                    Optional.ofNullable(agentPath),
                    Optional.ofNullable(nodeIp),
                    Optional.ofNullable(bootstrapArgs),
                    Optional.ofNullable(eksBootstrapArgs),
                    Optional.ofNullable(mirrorEndpoint),
                    mirroredRegistries,
                    !noMirrorAdd,
                    Optional.ofNullable(kubernetesVersion).map(KubernetesVersion::parse),
                    Optional.ofNullable(eksKubeletExtraArgs),
                    Optional.ofNullable(
                            userData != null ? userData : talosConfig != null ? talosConfig : registriesConfig),
                    Optional.ofNullable(selinuxType),
                    Optional.ofNullable(packageUrl),
                    Optional.ofNullable(installArgs));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), ExitCode.USAGE);
        }
        if ((kubernetesVersion != null || selinuxType != null) && p != Preset.DAEMONSET && p != Preset.TALOS) {
            throw new UserException(
                    (kubernetesVersion != null ? "--kubernetes-version" : "--selinux-type")
                            + " only applies to the daemonset and talos presets",
                    ExitCode.USAGE);
        }
        if (registriesConfig != null && p != Preset.K3S && p != Preset.RKE2) {
            throw new UserException("--registries-config only applies to the k3s and rke2 presets", ExitCode.USAGE);
        }
        if (talosConfig != null && p != Preset.TALOS) {
            throw new UserException("--talos-config only applies to the talos preset", ExitCode.USAGE);
        }
        if (userData != null && p != Preset.EKS_AL2023) {
            throw new UserException("--user-data only applies to the eks-al2023 preset", ExitCode.USAGE);
        }
        if (eksKubeletExtraArgs != null && p != Preset.EKS_AL2) {
            throw new UserException("--eks-kubelet-extra-args only applies to the eks-al2 preset", ExitCode.USAGE);
        }
        if ((packageUrl != null || installArgs != null) && p != Preset.EKS_AL2 && p != Preset.EKS_AL2023) {
            throw new UserException(
                    "--package-url and --install-args only apply to eks-al2 and eks-al2023", ExitCode.USAGE);
        }
        if (kindConfig != null && p != Preset.KIND) {
            throw new UserException("--kind-config only applies to the kind preset", ExitCode.USAGE);
        }
        for (Path input : new Path[] {kindConfig, userData, talosConfig, registriesConfig}) {
            if (input != null && Files.isDirectory(input)) {
                throw new UserException(input + " is a directory; pass the file itself", ExitCode.USAGE);
            }
        }
        // Options read only by other presets' templates would otherwise be dropped without a word.
        onlyFor(p, talosVersion, "--talos-version", Preset.TALOS);
        onlyFor(p, kindName, "--kind-name", Preset.KIND);
        onlyFor(p, eksBootstrapArgs, "--eks-bootstrap-args", Preset.EKS_AL2);
        onlyFor(p, mirrorEndpoint, "--mirror-endpoint", Preset.BOTTLEROCKET);
        onlyFor(
                p,
                mirroredRegistries.isEmpty() ? null : mirroredRegistries,
                "--mirrored-registries",
                Preset.K3S,
                Preset.RKE2);
        onlyFor(p, agentPath, "--agent-path", Preset.SYSTEMD);
        onlyFor(p, nodeIp, "--node-ip", Preset.SYSTEMD);
        onlyFor(p, bootstrapArgs, "--bootstrap-args", Preset.SYSTEMD);
        options.kubernetesVersion()
                .flatMap(KubernetesVersion::uncheckedWarning)
                .ifPresent(w -> spec.commandLine().getErr().println("speglar render: warning: " + w));
        Map<String, String> files;
        try {
            files = PresetRenderer.render(p, options);
        } catch (NoSuchFileException e) {
            throw new UserException(
                    "cannot read " + e.getFile() + ": check the --kind-config, --user-data or --talos-config path",
                    ExitCode.USAGE);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), ExitCode.USAGE);
        } catch (IOException e) {
            throw new UserException("cannot read input: " + e.getMessage(), e);
        }
        if (onlyFile != null) {
            if (!files.containsKey(onlyFile)) {
                throw new UserException(
                        "preset " + p.id() + " has no file '" + onlyFile + "'; it renders: "
                                + String.join(", ", files.keySet()),
                        ExitCode.USAGE);
            }
            files = Map.of(onlyFile, files.get(onlyFile));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (outputDir == null) {
            boolean several = files.size() > 1;
            files.forEach((name, content) -> {
                if (several) {
                    out.println("# ---- speglar render " + p.id() + ": " + name + " ----");
                }
                out.print(content);
            });
        } else {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path target = write(outputDir, f.getKey(), f.getValue());
                out.println(target);
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private static void onlyFor(Preset p, Object value, String option, Preset... presets) {
        if (value != null && !java.util.List.of(presets).contains(p)) {
            throw new UserException(
                    option + " only applies to the "
                            + java.util.Arrays.stream(presets)
                                    .map(Preset::id)
                                    .collect(java.util.stream.Collectors.joining(" and "))
                            + " preset" + (presets.length > 1 ? "s" : ""),
                    ExitCode.USAGE);
        }
    }

    private String readInput(Path file) {
        try {
            return file.toString().equals("-")
                    ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    : Files.readString(file);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), ExitCode.USAGE);
        }
    }

    /**
     * Writes via a temp file and rename so a reader never sees half a file. A different file already there (e.g.
     * {@code -o /etc/rancher/k3s}) is first copied, the same way, to NAME.speglar-bak.
     */
    static Path write(Path dir, String name, String content) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(name);
            if (Files.isRegularFile(target) && !Files.readString(target).equals(content)) {
                replace(dir, name + BACKUP_SUFFIX, Files.readAllBytes(target));
            }
            replace(dir, name, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return target;
        } catch (IOException e) {
            throw new UserException(
                    "cannot write " + dir.resolve(name) + ": " + e.getMessage() + " (choose a writable -o DIR)", e);
        }
    }

    static final String BACKUP_SUFFIX = ".speglar-bak";

    private static void replace(Path dir, String name, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
        try {
            Files.write(tmp, content);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

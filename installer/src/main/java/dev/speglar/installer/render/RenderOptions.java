package dev.speglar.installer.render;

import dev.speglar.installer.KubernetesVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a preset can be customised with. Empty values mean "the preset's default" (its defaults.env), so the
 * standalone templates and {@code speglar render} agree. Values are validated here so that no template ever
 * receives text that would break its syntax (quotes, newlines, spaces in paths).
 */
public record RenderOptions(
        Optional<String> configPath,
        Optional<String> namespace,
        Optional<String> image,
        Optional<Integer> nodePort,
        Optional<String> containerdSock,
        Optional<String> contentPath,
        Optional<String> kindName,
        Optional<Path> kindConfig,
        Optional<String> talosVersion,
        Optional<String> agentPath,
        Optional<String> nodeIp,
        Optional<String> bootstrapArgs,
        Optional<String> eksBootstrapArgs,
        Optional<String> mirrorEndpoint,
        List<String> mirroredRegistries,
        boolean mirrorAdd,
        Optional<KubernetesVersion> kubernetesVersion,
        Optional<String> eksKubeletExtraArgs,
        Optional<Path> existingConfig,
        Optional<String> selinuxType,
        Optional<String> packageUrl,
        Optional<String> installArgs) {

    private static final Pattern ABS_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");
    private static final Pattern REGISTRY = Pattern.compile("\\*|[A-Za-z0-9.-]+(:[0-9]{1,5})?");
    private static final Pattern SAFE_ARGS = Pattern.compile("[A-Za-z0-9 ._/:=,@+-]*");
    private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9.\\[\\]:-]+(:[0-9]{1,5})?/?");
    private static final Pattern PACKAGE_URL =
            Pattern.compile("https?://[A-Za-z0-9.\\[\\]:-]+(/[A-Za-z0-9._~%+=&?/-]*)?");

    public RenderOptions {
        configPath.ifPresent(
                p -> require(ABS_PATH, p, "--config-path", "an absolute path like /etc/containerd/certs.d"));
        containerdSock.ifPresent(p -> require(ABS_PATH, p, "--containerd-sock", "an absolute socket path"));
        contentPath.ifPresent(p -> require(ABS_PATH, p, "--containerd-content-path", "an absolute path"));
        agentPath.ifPresent(p -> require(ABS_PATH, p, "--agent-path", "an absolute path to speglar-agent"));
        namespace.ifPresent(n -> require(DNS_LABEL, n, "--namespace", "a DNS label such as speglar"));
        kindName.ifPresent(n -> require(DNS_LABEL, n, "--kind-name", "a DNS label such as speglar"));
        image.ifPresent(i -> require(IMAGE, i, "--image", "an image reference such as ghcr.io/org/speglar-agent:1.0"));
        nodeIp.ifPresent(i -> require(Pattern.compile("[0-9a-fA-F.:]+"), i, "--node-ip", "an IP address"));
        bootstrapArgs.ifPresent(a -> require(SAFE_ARGS, a, "--bootstrap-args", "agent flags without quotes"));
        eksBootstrapArgs.ifPresent(a -> require(
                SAFE_ARGS,
                a,
                "--eks-bootstrap-args",
                "bootstrap.sh arguments without quotes, e.g. 'my-cluster --b64-cluster-ca ...'"));
        mirrorEndpoint.ifPresent(u -> require(URL, u, "--mirror-endpoint", "a URL like http://127.0.0.1:30020"));
        packageUrl.ifPresent(u -> require(PACKAGE_URL, u, "--package-url", "an http(s) URL of the speglar .rpm"));
        installArgs.ifPresent(a -> require(SAFE_ARGS, a, "--install-args", "speglar install flags without quotes"));
        if (packageUrl.isPresent() && installArgs.isEmpty()) {
            throw new IllegalArgumentException(
                    "--package-url needs --install-args with the agent's peer bootstrap,"
                            + " e.g. '--agent-arg=--bootstrap-kind=dns --agent-arg=--dns-bootstrap-domain=speglar.example.com'");
        }
        nodePort.ifPresent(p -> {
            if (p < 30000 || p > 32767) {
                throw new IllegalArgumentException("--node-port " + p + " is outside the NodePort range 30000-32767");
            }
        });
        eksKubeletExtraArgs.ifPresent(a -> require(
                SAFE_ARGS,
                a,
                "--eks-kubelet-extra-args",
                "kubelet flags without quotes, e.g. '--node-labels=team=a --max-pods=110'"));
        if (eksKubeletExtraArgs.isPresent() && eksBootstrapArgs.isEmpty()) {
            throw new IllegalArgumentException("--eks-kubelet-extra-args needs --eks-bootstrap-args (self-managed"
                    + " nodes: the user data runs bootstrap.sh; managed node groups take kubelet flags from their"
                    + " launch template's own bootstrap)");
        }
        if (eksBootstrapArgs.filter(a -> a.contains("--kubelet-extra-args")).isPresent()) {
            throw new IllegalArgumentException("--eks-bootstrap-args cannot carry --kubelet-extra-args (its value is"
                    + " several flags in one argument): pass them with --eks-kubelet-extra-args '--a=1 --b=2'");
        }
        talosVersion.ifPresent(TalosVersion::parse);
        selinuxType.ifPresent(t -> require(
                Pattern.compile("[a-z][a-z0-9_]*_t"),
                t,
                "--selinux-type",
                "an SELinux type such as super_t (Bottlerocket) or spc_t (container-selinux)"));
        mirroredRegistries = List.copyOf(mirroredRegistries);
        mirroredRegistries.forEach(
                r -> require(REGISTRY, r, "--mirrored-registries", "registry hosts such as docker.io,ghcr.io or *"));
    }

    public RenderOptions withKubernetesVersion(KubernetesVersion v) {
        return toBuilder().kubernetesVersion(Optional.of(v)).build();
    }

    public RenderOptions withEksKubeletExtraArgs(String args) {
        return toBuilder().eksKubeletExtraArgs(Optional.of(args)).build();
    }

    public RenderOptions withExistingConfig(Path file) {
        return toBuilder().existingConfig(Optional.of(file)).build();
    }

    public RenderOptions withSelinuxType(String type) {
        return toBuilder().selinuxType(Optional.of(type)).build();
    }

    /** eks-al2, eks-al2023: user data that installs the speglar .rpm from {@code url} and runs the installer. */
    public RenderOptions withPackage(String url, String args) {
        return toBuilder()
                .packageUrl(Optional.ofNullable(url))
                .installArgs(Optional.ofNullable(args))
                .build();
    }

    /** Every option at the preset's default. */
    public static RenderOptions defaults() {
        return new Builder().build();
    }

    /** A builder at the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options: the one way to change some of them (validation runs again on build). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.configPath = configPath;
        b.namespace = namespace;
        b.image = image;
        b.nodePort = nodePort;
        b.containerdSock = containerdSock;
        b.contentPath = contentPath;
        b.kindName = kindName;
        b.kindConfig = kindConfig;
        b.talosVersion = talosVersion;
        b.agentPath = agentPath;
        b.nodeIp = nodeIp;
        b.bootstrapArgs = bootstrapArgs;
        b.eksBootstrapArgs = eksBootstrapArgs;
        b.mirrorEndpoint = mirrorEndpoint;
        b.mirroredRegistries = mirroredRegistries;
        b.mirrorAdd = mirrorAdd;
        b.kubernetesVersion = kubernetesVersion;
        b.eksKubeletExtraArgs = eksKubeletExtraArgs;
        b.existingConfig = existingConfig;
        b.selinuxType = selinuxType;
        b.packageUrl = packageUrl;
        b.installArgs = installArgs;
        return b;
    }

    /** Options changed field by field; starts from the defaults (empty, no mirrored registries, mirror add on). */
    public static final class Builder {
        private Optional<String> configPath = Optional.empty();
        private Optional<String> namespace = Optional.empty();
        private Optional<String> image = Optional.empty();
        private Optional<Integer> nodePort = Optional.empty();
        private Optional<String> containerdSock = Optional.empty();
        private Optional<String> contentPath = Optional.empty();
        private Optional<String> kindName = Optional.empty();
        private Optional<Path> kindConfig = Optional.empty();
        private Optional<String> talosVersion = Optional.empty();
        private Optional<String> agentPath = Optional.empty();
        private Optional<String> nodeIp = Optional.empty();
        private Optional<String> bootstrapArgs = Optional.empty();
        private Optional<String> eksBootstrapArgs = Optional.empty();
        private Optional<String> mirrorEndpoint = Optional.empty();
        private List<String> mirroredRegistries = List.of();
        private boolean mirrorAdd = true;
        private Optional<KubernetesVersion> kubernetesVersion = Optional.empty();
        private Optional<String> eksKubeletExtraArgs = Optional.empty();
        private Optional<Path> existingConfig = Optional.empty();
        private Optional<String> selinuxType = Optional.empty();
        private Optional<String> packageUrl = Optional.empty();
        private Optional<String> installArgs = Optional.empty();

        public Builder configPath(Optional<String> value) {
            this.configPath = value;
            return this;
        }

        public Builder namespace(Optional<String> value) {
            this.namespace = value;
            return this;
        }

        public Builder image(Optional<String> value) {
            this.image = value;
            return this;
        }

        public Builder nodePort(Optional<Integer> value) {
            this.nodePort = value;
            return this;
        }

        public Builder containerdSock(Optional<String> value) {
            this.containerdSock = value;
            return this;
        }

        public Builder contentPath(Optional<String> value) {
            this.contentPath = value;
            return this;
        }

        public Builder kindName(Optional<String> value) {
            this.kindName = value;
            return this;
        }

        public Builder kindConfig(Optional<Path> value) {
            this.kindConfig = value;
            return this;
        }

        public Builder talosVersion(Optional<String> value) {
            this.talosVersion = value;
            return this;
        }

        public Builder agentPath(Optional<String> value) {
            this.agentPath = value;
            return this;
        }

        public Builder nodeIp(Optional<String> value) {
            this.nodeIp = value;
            return this;
        }

        public Builder bootstrapArgs(Optional<String> value) {
            this.bootstrapArgs = value;
            return this;
        }

        public Builder eksBootstrapArgs(Optional<String> value) {
            this.eksBootstrapArgs = value;
            return this;
        }

        public Builder mirrorEndpoint(Optional<String> value) {
            this.mirrorEndpoint = value;
            return this;
        }

        public Builder mirroredRegistries(List<String> value) {
            this.mirroredRegistries = value;
            return this;
        }

        public Builder mirrorAdd(boolean value) {
            this.mirrorAdd = value;
            return this;
        }

        public Builder kubernetesVersion(Optional<KubernetesVersion> value) {
            this.kubernetesVersion = value;
            return this;
        }

        public Builder eksKubeletExtraArgs(Optional<String> value) {
            this.eksKubeletExtraArgs = value;
            return this;
        }

        public Builder existingConfig(Optional<Path> value) {
            this.existingConfig = value;
            return this;
        }

        public Builder selinuxType(Optional<String> value) {
            this.selinuxType = value;
            return this;
        }

        public Builder packageUrl(Optional<String> value) {
            this.packageUrl = value;
            return this;
        }

        public Builder installArgs(Optional<String> value) {
            this.installArgs = value;
            return this;
        }

        public RenderOptions build() {
            return new RenderOptions(
                    configPath,
                    namespace,
                    image,
                    nodePort,
                    containerdSock,
                    contentPath,
                    kindName,
                    kindConfig,
                    talosVersion,
                    agentPath,
                    nodeIp,
                    bootstrapArgs,
                    eksBootstrapArgs,
                    mirrorEndpoint,
                    mirroredRegistries,
                    mirrorAdd,
                    kubernetesVersion,
                    eksKubeletExtraArgs,
                    existingConfig,
                    selinuxType,
                    packageUrl,
                    installArgs);
        }
    }

    private static void require(Pattern p, String value, String flag, String what) {
        if (!p.matcher(value).matches()) {
            throw new IllegalArgumentException(flag + " '" + value + "' is invalid: expected " + what);
        }
    }
}

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

    /** Without a target Kubernetes version: manifests that every supported version accepts. */
    public RenderOptions(
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
            boolean mirrorAdd) {
        this(
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
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    public RenderOptions withKubernetesVersion(KubernetesVersion v) {
        return withTail(Optional.of(v), eksKubeletExtraArgs, existingConfig, selinuxType, packageUrl, installArgs);
    }

    public RenderOptions withEksKubeletExtraArgs(String args) {
        return withTail(kubernetesVersion, Optional.of(args), existingConfig, selinuxType, packageUrl, installArgs);
    }

    public RenderOptions withExistingConfig(Path file) {
        return withTail(
                kubernetesVersion, eksKubeletExtraArgs, Optional.of(file), selinuxType, packageUrl, installArgs);
    }

    public RenderOptions withSelinuxType(String type) {
        return withTail(
                kubernetesVersion, eksKubeletExtraArgs, existingConfig, Optional.of(type), packageUrl, installArgs);
    }

    /** eks-al2, eks-al2023: user data that installs the speglar .rpm from {@code url} and runs the installer. */
    public RenderOptions withPackage(String url, String args) {
        return withTail(
                kubernetesVersion,
                eksKubeletExtraArgs,
                existingConfig,
                selinuxType,
                Optional.ofNullable(url),
                Optional.ofNullable(args));
    }

    /** A copy with the options added after the original sixteen replaced: the one place every with-method builds. */
    private RenderOptions withTail(
            Optional<KubernetesVersion> kubernetesVersion,
            Optional<String> eksKubeletExtraArgs,
            Optional<Path> existingConfig,
            Optional<String> selinuxType,
            Optional<String> packageUrl,
            Optional<String> installArgs) {
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

    public static RenderOptions defaults() {
        return new RenderOptions(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                true);
    }

    private static void require(Pattern p, String value, String flag, String what) {
        if (!p.matcher(value).matches()) {
            throw new IllegalArgumentException(flag + " '" + value + "' is invalid: expected " + what);
        }
    }
}

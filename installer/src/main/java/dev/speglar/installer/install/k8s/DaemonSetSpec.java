package dev.speglar.installer.install.k8s;

import dev.speglar.installer.install.FileChange;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent DaemonSet. hosts.toml is written by the installer on the node, so the pod needs no privileged init
 * container: it only reads the containerd socket and content store. The registry listens on a host port that
 * containerd's hosts.toml points at. On an SELinux-enforcing host the pod runs with {@code selinuxType} (spc_t with
 * container-selinux), without which the default container type cannot use the socket.
 */
public record DaemonSetSpec(
        String namespace,
        String name,
        String image,
        int mirrorPort,
        String containerdSocket,
        String contentPath,
        List<String> extraArgs,
        String selinuxType) {

    public static final String HASH_ANNOTATION = "speglar.dev/spec-sha256";
    /** The upstream chart's pod labels (release "speglar"), which the Services of {@link AgentServices} select. */
    static final Map<String, String> LABELS = Map.of(
            "app.kubernetes.io/name", "speglar",
            "app.kubernetes.io/instance", "speglar",
            "app.kubernetes.io/component", "speglar");
    /** The agent's default --metrics-addr port, which the speglar metrics Service targets by name. */
    static final int METRICS_PORT = 9090;

    public DaemonSetSpec {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (image == null || image.isBlank())
            throw new IllegalArgumentException("--image is required for daemonset mode");
        if (mirrorPort < 1 || mirrorPort > 65535)
            throw new IllegalArgumentException("mirror port out of range: " + mirrorPort);
        extraArgs = List.copyOf(extraArgs);
    }

    /** Without SELinux options: hosts where SELinux is off or permissive. */
    public DaemonSetSpec(
            String namespace,
            String name,
            String image,
            int mirrorPort,
            String containerdSocket,
            String contentPath,
            List<String> extraArgs) {
        this(namespace, name, image, mirrorPort, containerdSocket, contentPath, extraArgs, null);
    }

    public DaemonSet build() {
        List<String> args = new ArrayList<>(List.of(
                "registry",
                "--registry-addr=:" + mirrorPort,
                "--containerd-sock=" + containerdSocket,
                "--containerd-content-path=" + contentPath));
        args.addAll(extraArgs);
        DaemonSet ds = new DaemonSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(LABELS)
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(LABELS)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(LABELS)
                .endMetadata()
                .withNewSpec()
                .withPriorityClassName("system-node-critical")
                .addNewToleration()
                .withOperator("Exists")
                .endToleration()
                .addNewContainer()
                .withName("registry")
                .withImage(image)
                .withArgs(args)
                .addNewEnv()
                .withName("NODE_IP")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("status.hostIP")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .addNewPort()
                .withName("registry")
                .withContainerPort(mirrorPort)
                .withHostPort(mirrorPort)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("router")
                .withContainerPort(5001)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("metrics")
                .withContainerPort(METRICS_PORT)
                .withProtocol("TCP")
                .endPort()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/readyz")
                .withNewPort("registry")
                .endHttpGet()
                .endReadinessProbe()
                .addNewVolumeMount()
                .withName("containerd-sock")
                .withMountPath(containerdSocket)
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("containerd-content")
                .withMountPath(contentPath)
                .withReadOnly(true)
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("containerd-sock")
                .withNewHostPath()
                .withPath(containerdSocket)
                .withType("Socket")
                .endHostPath()
                .endVolume()
                .addNewVolume()
                .withName("containerd-content")
                .withNewHostPath()
                .withPath(contentPath)
                .withType("Directory")
                .endHostPath()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        if (selinuxType != null) {
            // An enforcing host keeps the default container type away from the containerd socket and content store.
            ds.getSpec()
                    .getTemplate()
                    .getSpec()
                    .setSecurityContext(new PodSecurityContextBuilder()
                            .withNewSeLinuxOptions()
                            .withType(selinuxType)
                            .endSeLinuxOptions()
                            .build());
        }
        String hash = FileChange.sha256(Serialization.asYaml(ds.getSpec()).getBytes(StandardCharsets.UTF_8));
        ds.getMetadata().setAnnotations(Map.of(HASH_ANNOTATION, hash));
        return ds;
    }
}

package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The DaemonSet preset parses strictly and matches the upstream chart's names, ports and mounts. */
class ManifestsTest {

    @Test
    void daemonsetPresetIsStrictlyValidAndUpstreamCompatible() throws Exception {
        List<HasMetadata> objects =
                StrictManifests.parse(Rendered.render(Preset.DAEMONSET).get("speglar.yaml"));

        assertThat(objects)
                .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactly(
                        "Namespace/speglar",
                        "ServiceAccount/speglar",
                        "DaemonSet/speglar",
                        "Service/speglar",
                        "Service/speglar-registry",
                        "Service/speglar-bootstrap");
        DaemonSet ds = find(objects, DaemonSet.class, "speglar");
        Container registry =
                ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(registry.getName()).isEqualTo("registry");
        // No command: the image's entrypoint (the JVM with the agent's flags) runs, args replace only its CMD.
        assertThat(registry.getCommand()).isNullOrEmpty();
        // As upstream's chart: read-only root and no /tmp; the only writable mount is the data dir.
        assertThat(registry.getVolumeMounts()).extracting(m -> m.getMountPath()).doesNotContain("/tmp");
        assertThat(registry.getArgs())
                .startsWith("registry")
                .contains(
                        "--registry-addr=:5000",
                        "--router-addr=:5001",
                        "--metrics-addr=:9090",
                        "--containerd-sock=/run/containerd/containerd.sock",
                        "--bootstrap-kind=dns",
                        "--dns-bootstrap-domain=speglar-bootstrap.speglar.svc.cluster.local.",
                        "--data-dir=/var/lib/speglar");
        assertThat(registry.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .contains("registry:5000", "router-tcp:5001", "metrics:9090");
        assertThat(registry.getResources().getLimits().get("memory").toString()).isEqualTo("128Mi");
        assertThat(registry.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(ds.getSpec().getTemplate().getSpec().getPriorityClassName()).isEqualTo("system-node-critical");
        Container init =
                ds.getSpec().getTemplate().getSpec().getInitContainers().getFirst();
        assertThat(init.getArgs())
                .startsWith("configuration")
                .contains("--containerd-registry-config-path=/etc/containerd/certs.d", "http://$(NODE_IP):30020");
        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes())
                .extracting(v -> v.getName() + "="
                        + (v.getHostPath() == null
                                ? "emptyDir"
                                : v.getHostPath().getPath() + ":"
                                        + v.getHostPath().getType()))
                .containsExactly(
                        "speglar-data=/var/lib/speglar:DirectoryOrCreate",
                        "containerd-sock=/run/containerd/containerd.sock:Socket",
                        "containerd-content=/var/lib/containerd/io.containerd.content.v1.content:Directory",
                        "containerd-config=/etc/containerd/certs.d:DirectoryOrCreate");
        assertThat(init.getCommand()).isNullOrEmpty();
        assertThat(init.getVolumeMounts()).extracting(m -> m.getMountPath()).doesNotContain("/tmp");
        Service nodePort = find(objects, Service.class, "speglar-registry");
        assertThat(nodePort.getSpec().getType()).isEqualTo("NodePort");
        assertThat(nodePort.getSpec().getPorts().getFirst().getNodePort()).isEqualTo(30020);
        assertThat(find(objects, Service.class, "speglar-bootstrap").getSpec().getClusterIP())
                .isEqualTo("None");
        assertThat(find(objects, Namespace.class, "speglar").getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
    }

    @Test
    void noMirrorAddDropsTheInitContainerAndItsVolume() throws Exception {
        RenderOptions o = RenderOptions.builder()
                .namespace(Optional.of("mirror"))
                .image(Optional.of("reg.example/a:1"))
                .nodePort(Optional.of(30555))
                .mirrorAdd(false)
                .build();

        List<HasMetadata> objects =
                StrictManifests.parse(Rendered.render(Preset.DAEMONSET, o).get("speglar.yaml"));

        DaemonSet ds = find(objects, DaemonSet.class, "speglar");
        assertThat(ds.getMetadata().getNamespace()).isEqualTo("mirror");
        assertThat(ds.getSpec().getTemplate().getSpec().getInitContainers()).isEmpty();
        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes())
                .extracting(v -> v.getName())
                .doesNotContain("containerd-config");
        assertThat(ds.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("reg.example/a:1");
        assertThat(find(objects, Service.class, "speglar-registry")
                        .getSpec()
                        .getPorts()
                        .getFirst()
                        .getNodePort())
                .isEqualTo(30555);
    }

    @Test
    void talosAgentUsesTalosHostsPathAndPrivilegedNamespace() throws Exception {
        var files = Rendered.render(Preset.TALOS);
        List<HasMetadata> objects = StrictManifests.parse(files.get("speglar.yaml"));
        DaemonSet ds = find(objects, DaemonSet.class, "speglar");

        assertThat(ds.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getInitContainers()
                        .getFirst()
                        .getArgs())
                .contains("--containerd-registry-config-path=/etc/cri/conf.d/hosts");
        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(v -> v.getName().equals("containerd-config")
                        && v.getHostPath().getPath().equals("/etc/cri/conf.d/hosts"));
        Namespace ns =
                (Namespace) StrictManifests.parse(files.get("namespace.yaml")).getFirst();
        assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "privileged");
    }

    @Test
    void strictParserRejectsUnknownFields() {
        String bad = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  tpye: NodePort\n";
        assertThatThrownBy(() -> StrictManifests.parse(bad)).hasMessageContaining("tpye");
    }

    private static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow();
    }
}

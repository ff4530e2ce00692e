package dev.speglar.installer.install.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.detect.HostRoot;
import dev.speglar.installer.install.Manifest;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class DaemonSetAgentTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path root;

    @BeforeEach
    void serverVersion() {
        server.setVersionInfo(new VersionInfo.Builder()
                .withMajor("1")
                .withMinor("33")
                .withGitVersion("v1.33.5")
                .build());
    }

    private DaemonSetSpec spec(String image) {
        return new DaemonSetSpec(
                "speglar",
                "speglar",
                image,
                30020,
                "/run/containerd/containerd.sock",
                "/var/lib/containerd/io.containerd.content.v1.content",
                List.of("--bootstrap-kind=dns"));
    }

    private DaemonSet live() {
        return client.apps()
                .daemonSets()
                .inNamespace("speglar")
                .withName("speglar")
                .get();
    }

    @Test
    void createsOnceThenIsUpToDateUpdatesOnChangeAndUninstallRemovesEverything() throws Exception {
        HostRoot host = new HostRoot(root);
        Manifest manifest = Manifest.load(host);
        DaemonSetAgent agent = new DaemonSetAgent(client, spec("ghcr.io/speglar/agent:1.0"));
        assertThat(agent.otherChanges())
                .containsExactly(
                        "create Namespace speglar",
                        "create DaemonSet speglar/speglar (image ghcr.io/speglar/agent:1.0) on Kubernetes 1.33",
                        "create Service speglar/speglar",
                        "create Service speglar/speglar-registry",
                        "create Service speglar/speglar-bootstrap");

        agent.activate(manifest, false);
        DaemonSet ds = live();
        assertThat(ds.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("ghcr.io/speglar/agent:1.0");
        assertThat(ds.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getArgs())
                .contains("registry", "--registry-addr=:30020", "--bootstrap-kind=dns");
        assertThat(ds.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getPorts()
                        .getFirst()
                        .getHostPort())
                .isEqualTo(30020);
        assertThat(client.namespaces().withName("speglar").get().getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
        assertServicesSelectTheAgentPods(ds);
        String rv = ds.getMetadata().getResourceVersion();
        String serviceRv = service("speglar-bootstrap").getMetadata().getResourceVersion();

        DaemonSetAgent again = new DaemonSetAgent(client, spec("ghcr.io/speglar/agent:1.0"));
        assertThat(again.otherChanges()).isEmpty();
        again.activate(manifest, false);
        assertThat(live().getMetadata().getResourceVersion()).isEqualTo(rv);
        assertThat(service("speglar-bootstrap").getMetadata().getResourceVersion())
                .isEqualTo(serviceRv);

        DaemonSetAgent upgrade = new DaemonSetAgent(client, spec("ghcr.io/speglar/agent:1.1"));
        assertThat(upgrade.otherChanges())
                .containsExactly(
                        "update DaemonSet speglar/speglar (image ghcr.io/speglar/agent:1.1) on Kubernetes 1.33");
        upgrade.activate(Manifest.load(host), false);
        assertThat(live().getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("ghcr.io/speglar/agent:1.1");

        Manifest saved = Manifest.load(host);
        assertThat(saved.entries())
                .extracting(Manifest.Entry::target)
                .contains(
                        "namespace/speglar",
                        "daemonset/speglar/speglar",
                        "service/speglar/speglar-bootstrap",
                        "service/speglar/speglar-registry",
                        "service/speglar/speglar");
        new DaemonSetAgent(client, spec("ghcr.io/speglar/agent:1.1")).uninstall(saved);
        assertThat(live()).isNull();
        assertThat(client.services().inNamespace("speglar").list().getItems()).isEmpty();
        assertThat(client.namespaces().withName("speglar").get()).isNull();
        saved.discard();
        try (var s = Files.list(root)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    private io.fabric8.kubernetes.api.model.Service service(String name) {
        return client.services().inNamespace("speglar").withName(name).get();
    }

    /**
     * The chart's Services exist and select the DaemonSet's pods: speglar-bootstrap headless (DNS bootstrap), the
     * registry as ClusterIP (the node reaches the agent through the host port) with 1.33's locality, metrics by name.
     */
    private void assertServicesSelectTheAgentPods(DaemonSet ds) {
        var podLabels = ds.getSpec().getTemplate().getMetadata().getLabels();
        var portNames = ds.getSpec().getTemplate().getSpec().getContainers().getFirst().getPorts().stream()
                .map(io.fabric8.kubernetes.api.model.ContainerPort::getName)
                .toList();
        for (String name : List.of("speglar", "speglar-registry", "speglar-bootstrap")) {
            var svc = service(name);
            assertThat(svc).as(name).isNotNull();
            assertThat(podLabels).as(name).containsAllEntriesOf(svc.getSpec().getSelector());
            svc.getSpec().getPorts().stream()
                    .filter(p -> p.getTargetPort() != null && p.getTargetPort().getStrVal() != null)
                    .forEach(p -> assertThat(portNames)
                            .as(name)
                            .contains(p.getTargetPort().getStrVal()));
        }
        assertThat(service("speglar-bootstrap").getSpec().getClusterIP()).isEqualTo("None");
        var registry = service("speglar-registry").getSpec();
        assertThat(registry.getType()).isEqualTo("ClusterIP");
        assertThat(registry.getPorts())
                .allSatisfy(p -> assertThat(p.getNodePort()).isNull());
        assertThat(registry.getInternalTrafficPolicy()).isEqualTo("Local");
        assertThat(registry.getTrafficDistribution()).isNull();
    }

    /** A server newer than the newest vendored schema: installed as for 1.36, and the plan says so. */
    @Test
    void newerServerThanCheckedIsNamedInThePlan() {
        server.setVersionInfo(new VersionInfo.Builder()
                .withMajor("1")
                .withMinor("37")
                .withGitVersion("v1.37.2")
                .build());

        List<String> plan = new DaemonSetAgent(client, spec("x:1")).otherChanges();

        assertThat(plan)
                .anySatisfy(line -> assertThat(line)
                        .startsWith("create DaemonSet speglar/speglar (image x:1) on Kubernetes 1.37 (")
                        .contains("newer than the newest version", "(1.36)"));
        assertThat(AgentServices.build("speglar", dev.speglar.installer.KubernetesVersion.parse("v1.37.2")).stream()
                        .filter(svc -> svc.getMetadata().getName().equals("speglar-registry"))
                        .findFirst()
                        .orElseThrow()
                        .getSpec()
                        .getTrafficDistribution())
                .isEqualTo("PreferSameNode");
    }

    /** An agent installed with other pod labels: the immutable selector means replace, not update. */
    @Test
    void daemonSetWithAnOtherSelectorIsReplaced() throws Exception {
        DaemonSet old = spec("old:1").build();
        var oldLabels = java.util.Map.of("app.kubernetes.io/name", "speglar", "app.kubernetes.io/component", "agent");
        old.getSpec().getSelector().setMatchLabels(oldLabels);
        old.getSpec().getTemplate().getMetadata().setLabels(oldLabels);
        client.namespaces()
                .resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                        .withNewMetadata()
                        .withName("speglar")
                        .endMetadata()
                        .build())
                .create();
        client.resource(old).create();

        new DaemonSetAgent(client, spec("new:2")).activate(Manifest.load(new HostRoot(root)), false);

        assertThat(live().getSpec().getSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/instance", "speglar")
                .containsEntry("app.kubernetes.io/component", "speglar");
        assertServicesSelectTheAgentPods(live());
    }

    @Test
    void rollbackRestoresThePreviousDaemonSet() throws Exception {
        Manifest manifest = Manifest.load(new HostRoot(root));
        new DaemonSetAgent(client, spec("old:1")).activate(manifest, false);
        DaemonSetAgent upgrade = new DaemonSetAgent(client, spec("new:2"));
        upgrade.activate(Manifest.load(new HostRoot(root)), false);
        assertThat(live().getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("new:2");
        upgrade.rollback();
        assertThat(live().getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("old:1");

        DaemonSetAgent fresh = new DaemonSetAgent(client, spec("x:1"));
        client.apps().daemonSets().inNamespace("speglar").withName("speglar").delete();
        fresh.activate(Manifest.load(new HostRoot(root)), false);
        fresh.rollback();
        assertThat(live()).isNull();
    }

    @Test
    void cordonsAndUncordonsOnlyWhatItCordoned() throws Exception {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("n1")
                        .endMetadata()
                        .withNewSpec()
                        .endSpec()
                        .build())
                .create();
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("n2")
                        .endMetadata()
                        .withNewSpec()
                        .withUnschedulable(true)
                        .endSpec()
                        .build())
                .create();

        KubeNodeGuard g1 = new KubeNodeGuard(client, "n1", false, Duration.ofSeconds(5));
        g1.cordon();
        assertThat(client.nodes().withName("n1").get().getSpec().getUnschedulable())
                .isTrue();
        g1.uncordon();
        assertThat(client.nodes().withName("n1").get().getSpec().getUnschedulable())
                .isFalse();

        KubeNodeGuard g2 = new KubeNodeGuard(client, "n2", false, Duration.ofSeconds(5));
        g2.cordon();
        g2.uncordon();
        assertThat(client.nodes().withName("n2").get().getSpec().getUnschedulable())
                .isTrue();
    }
}

package dev.speglar.installer.install.k8s;

import dev.speglar.installer.install.NodeInstaller;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;

/**
 * Cordons the node around the containerd restart and optionally drains it (evicting every pod that is neither a
 * DaemonSet pod nor a static mirror pod). Uncordons only if it did the cordoning.
 */
public final class KubeNodeGuard implements NodeInstaller.NodeGuard {

    private final KubernetesClient client;
    private final String nodeName;
    private final boolean drain;
    private final Duration drainTimeout;
    private boolean cordonedByUs;

    public KubeNodeGuard(KubernetesClient client, String nodeName, boolean drain, Duration drainTimeout) {
        if (nodeName == null || nodeName.isBlank())
            throw new IllegalArgumentException("--node-name is required for --cordon/--drain");
        this.client = client;
        this.nodeName = nodeName;
        this.drain = drain;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public void cordon() throws Exception {
        Node node = client.nodes().withName(nodeName).get();
        if (node == null) throw new IllegalStateException("node " + nodeName + " not found in the cluster");
        if (!Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            client.nodes().withName(nodeName).edit(n -> {
                n.getSpec().setUnschedulable(true);
                return n;
            });
            cordonedByUs = true;
        }
        if (drain) drain();
    }

    private void drain() throws Exception {
        // Filtered client-side as well: the field selector narrows the list on a real API server.
        List<Pod> pods = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).list().getItems().stream()
                .filter(p -> nodeName.equals(p.getSpec().getNodeName()))
                .filter(p -> !isDaemonSetPod(p) && !isMirrorPod(p))
                .toList();
        for (Pod p : pods) {
            if (!client.pods()
                    .inNamespace(p.getMetadata().getNamespace())
                    .withName(p.getMetadata().getName())
                    .evict()) {
                throw new IllegalStateException("eviction of " + p.getMetadata().getNamespace() + "/"
                        + p.getMetadata().getName() + " refused (PodDisruptionBudget?)");
            }
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (Pod p : pods) {
            while (client.pods()
                            .inNamespace(p.getMetadata().getNamespace())
                            .withName(p.getMetadata().getName())
                            .get()
                    != null) {
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException("drain timed out after " + drainTimeout);
                Thread.sleep(500);
            }
        }
    }

    private static boolean isDaemonSetPod(Pod p) {
        List<OwnerReference> owners = p.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(o -> "DaemonSet".equals(o.getKind()));
    }

    private static boolean isMirrorPod(Pod p) {
        return p.getMetadata().getAnnotations() != null
                && p.getMetadata().getAnnotations().containsKey("kubernetes.io/config.mirror");
    }

    @Override
    public void uncordon() {
        if (!cordonedByUs) return;
        client.nodes().withName(nodeName).edit(n -> {
            n.getSpec().setUnschedulable(false);
            return n;
        });
        cordonedByUs = false;
    }
}

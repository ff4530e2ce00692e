package dev.speglar.installer.install.k8s;

import dev.speglar.installer.KubernetesVersion;
import dev.speglar.installer.install.FileChange;
import dev.speglar.installer.install.Manifest;
import dev.speglar.installer.render.Preset;
import dev.speglar.installer.render.PresetRenderer;
import dev.speglar.installer.render.RenderOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's Services (and Namespace) in {@code install --mode daemonset}: the ones of the daemonset preset (upstream chart's names,
 * selectors and ports), rendered for the API server's version. speglar-bootstrap (headless) is what
 * {@code --bootstrap-kind=dns} resolves; speglar serves metrics. speglar-registry is a ClusterIP Service here: the
 * node's containerd reaches its agent through the host port (--mirror-port), which a NodePort of the same number
 * would collide with.
 */
public final class AgentServices {
    static final String REGISTRY = "speglar-registry";

    private final KubernetesClient client;
    private final List<Service> desired;
    private final Namespace namespace;
    private final Map<String, Service> previous = new HashMap<>();
    private final List<String> applied = new ArrayList<>();

    AgentServices(KubernetesClient client, String namespace, KubernetesVersion version) {
        this.client = client;
        String yaml = render(namespace, version);
        this.desired = services(yaml);
        this.namespace = documents(yaml, "Namespace", Namespace.class).getFirst();
    }

    /** The preset's Namespace: labelled for the privileged Pod Security level that hostPath mounts need. */
    Namespace namespace() {
        return Serialization.clone(namespace);
    }

    /** The Services for {@code namespace} on Kubernetes {@code version}, each with a spec hash annotation. */
    public static List<Service> build(String namespace, KubernetesVersion version) {
        return services(render(namespace, version));
    }

    private static String render(String namespace, KubernetesVersion version) {
        RenderOptions o = RenderOptions.builder()
                .namespace(Optional.of(namespace))
                .build()
                .withKubernetesVersion(version);
        try {
            return PresetRenderer.render(Preset.DAEMONSET, o).get("speglar.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Service> services(String yaml) {
        return documents(yaml, "Service", Service.class).stream()
                .map(AgentServices::forInstall)
                .toList();
    }

    private static <T> List<T> documents(String yaml, String kind, Class<T> type) {
        return Arrays.stream(yaml.split("(?m)^---$"))
                .filter(doc -> doc.contains("\nkind: " + kind + "\n"))
                .map(doc -> Serialization.unmarshal(doc, type))
                .toList();
    }

    private static Service forInstall(Service s) {
        if (s.getMetadata().getName().equals(REGISTRY)) {
            s.getSpec().setType("ClusterIP");
            s.getSpec().getPorts().forEach(p -> p.setNodePort(null));
        }
        String hash = FileChange.sha256(Serialization.asYaml(s.getSpec()).getBytes(StandardCharsets.UTF_8));
        s.getMetadata().setAnnotations(Map.of(DaemonSetSpec.HASH_ANNOTATION, hash));
        return s;
    }

    List<Service> desired() {
        return desired;
    }

    private Service live(Service s) {
        return client.services()
                .inNamespace(s.getMetadata().getNamespace())
                .withName(s.getMetadata().getName())
                .get();
    }

    private static String ref(HasMetadata s) {
        return "service/" + s.getMetadata().getNamespace() + "/"
                + s.getMetadata().getName();
    }

    private static String hash(HasMetadata s) {
        var a = s.getMetadata().getAnnotations();
        return a == null ? null : a.get(DaemonSetSpec.HASH_ANNOTATION);
    }

    List<String> changes() {
        List<String> out = new ArrayList<>();
        for (Service s : desired) {
            Service live = live(s);
            String name = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
            if (live == null) out.add("create Service " + name);
            else if (!hash(s).equals(hash(live))) out.add("update Service " + name);
        }
        return out;
    }

    void apply(Manifest manifest) throws IOException {
        for (Service s : desired) {
            Service live = live(s);
            if (live != null && hash(s).equals(hash(live))) continue;
            manifest.recordK8s(
                    ref(s),
                    live == null ? null : Serialization.asYaml(clean(live)).getBytes(StandardCharsets.UTF_8));
            if (live != null) previous.put(ref(s), clean(live));
            upsert(Serialization.clone(s));
            applied.add(ref(s));
        }
    }

    void rollback() {
        for (Service s : desired) {
            if (!applied.contains(ref(s))) continue;
            Service before = previous.get(ref(s));
            if (before == null) client.resource(s).delete();
            else upsert(before);
        }
    }

    /** Undoes one manifest entry of type k8s whose target is a Service. */
    void uninstall(String ns, String name, byte[] before) {
        if (before == null) {
            client.services().inNamespace(ns).withName(name).delete();
        } else {
            upsert(Serialization.unmarshal(new String(before, StandardCharsets.UTF_8), Service.class));
        }
    }

    /** Create, or replace at the live resourceVersion keeping the allocated cluster IPs (immutable). */
    private void upsert(Service s) {
        Service live = live(s);
        if (live == null) {
            client.resource(s).create();
            return;
        }
        s.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
        s.getSpec().setClusterIP(live.getSpec().getClusterIP());
        s.getSpec().setClusterIPs(live.getSpec().getClusterIPs());
        client.resource(s).update();
    }

    private static Service clean(Service s) {
        Service copy = Serialization.clone(s);
        copy.getMetadata().setResourceVersion(null);
        copy.getMetadata().setUid(null);
        copy.getMetadata().setCreationTimestamp(null);
        copy.getMetadata().setManagedFields(null);
        copy.setStatus(null);
        return copy;
    }
}

package dev.speglar.installer.install.k8s;

import dev.speglar.installer.ExitCode;
import dev.speglar.installer.KubernetesVersion;
import dev.speglar.installer.UserException;
import dev.speglar.installer.install.AgentDeployment;
import dev.speglar.installer.install.FileChange;
import dev.speglar.installer.install.Manifest;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent as a DaemonSet applied through the Kubernetes API. Up to date when the live object carries the same spec
 * hash annotation, so a second install sends no write. Previous objects are kept in the manifest for uninstall.
 */
public final class DaemonSetAgent implements AgentDeployment {

    private final KubernetesClient client;
    private final DaemonSetSpec spec;
    private KubernetesVersion server;
    private AgentServices services;
    private DaemonSet previous;
    private boolean namespaceCreated;
    private boolean applied;

    public DaemonSetAgent(KubernetesClient client, DaemonSetSpec spec) {
        this.client = client;
        this.spec = spec;
    }

    private String ref() {
        return "daemonset/" + spec.namespace() + "/" + spec.name();
    }

    /**
     * The API server's Kubernetes version (GET /version), read once. An older server than the manifests are checked
     * against is refused before anything is written.
     */
    public KubernetesVersion serverVersion() {
        if (server == null) {
            VersionInfo v = client.getKubernetesVersion();
            String text = v.getGitVersion() != null ? v.getGitVersion() : v.getMajor() + "." + v.getMinor();
            try {
                server = KubernetesVersion.parse(text);
            } catch (IllegalArgumentException e) {
                throw new UserException(
                        "API server " + client.getMasterUrl() + " reports Kubernetes " + text + ": " + e.getMessage(),
                        ExitCode.REFUSED);
            }
        }
        return server;
    }

    private AgentServices services() {
        if (services == null) services = new AgentServices(client, spec.namespace(), serverVersion());
        return services;
    }

    private DaemonSet live() {
        return client.apps()
                .daemonSets()
                .inNamespace(spec.namespace())
                .withName(spec.name())
                .get();
    }

    @Override
    public List<FileChange> files() {
        return List.of();
    }

    @Override
    public List<String> otherChanges() {
        String on = " on Kubernetes " + serverVersion()
                + serverVersion().uncheckedWarning().map(w -> " (" + w + ")").orElse("");
        List<String> out = new ArrayList<>();
        if (client.namespaces().withName(spec.namespace()).get() == null)
            out.add("create Namespace " + spec.namespace());
        DaemonSet live = live();
        DaemonSet desired = spec.build();
        String want = desired.getMetadata().getAnnotations().get(DaemonSetSpec.HASH_ANNOTATION);
        if (live == null) {
            out.add("create DaemonSet " + spec.namespace() + "/" + spec.name() + " (image " + spec.image() + ")" + on);
        } else if (live.getMetadata().getAnnotations() == null
                || !want.equals(live.getMetadata().getAnnotations().get(DaemonSetSpec.HASH_ANNOTATION))) {
            out.add("update DaemonSet " + spec.namespace() + "/" + spec.name() + " (image " + spec.image() + ")" + on);
        }
        out.addAll(services().changes());
        return out;
    }

    @Override
    public void activate(Manifest manifest, boolean filesChanged) throws Exception {
        if (otherChanges().isEmpty()) return;
        if (client.namespaces().withName(spec.namespace()).get() == null) {
            manifest.recordK8s("namespace/" + spec.namespace(), null);
            client.namespaces().resource(services().namespace()).create();
            namespaceCreated = true;
        }
        services().apply(manifest); // before the pods: --bootstrap-kind=dns resolves speglar-bootstrap
        previous = live();
        if (previous != null && want(previous).equals(want(spec.build()))) return;
        manifest.recordK8s(
                ref(),
                previous == null ? null : Serialization.asYaml(clean(previous)).getBytes(StandardCharsets.UTF_8));
        upsert(spec.build());
        applied = true;
    }

    @Override
    public void rollback() {
        if (services != null) services.rollback();
        if (applied) {
            if (previous == null) client.resource(spec.build()).delete();
            else upsert(clean(previous));
        }
        if (namespaceCreated) client.namespaces().withName(spec.namespace()).delete();
    }

    @Override
    public void uninstall(Manifest manifest) throws Exception {
        List<Manifest.Entry> k8s =
                manifest.entries().stream().filter(e -> e.type().equals("k8s")).toList();
        for (Manifest.Entry e : k8s.reversed()) {
            String[] parts = e.target().split("/");
            byte[] before = manifest.backup(e);
            if (parts[0].equals("daemonset")) {
                if (before == null) {
                    client.apps()
                            .daemonSets()
                            .inNamespace(parts[1])
                            .withName(parts[2])
                            .delete();
                } else {
                    DaemonSet old =
                            Serialization.unmarshal(new String(before, StandardCharsets.UTF_8), DaemonSet.class);
                    upsert(old);
                }
            } else if (parts[0].equals("service")) {
                services().uninstall(parts[1], parts[2], before);
            } else if (parts[0].equals("namespace") && before == null) {
                client.namespaces().withName(parts[1]).delete();
            }
        }
    }

    /** Create, or replace the live object at its current resourceVersion (optimistic concurrency, no retry loop). */
    private void upsert(DaemonSet desired) {
        DaemonSet live = client.apps()
                .daemonSets()
                .inNamespace(desired.getMetadata().getNamespace())
                .withName(desired.getMetadata().getName())
                .get();
        if (live != null
                && !live.getSpec().getSelector().equals(desired.getSpec().getSelector())) {
            // The selector is immutable: an agent installed with other labels is replaced, not updated.
            client.resource(live)
                    .withTimeout(60, java.util.concurrent.TimeUnit.SECONDS)
                    .delete();
            live = null;
        }
        if (live == null) {
            client.resource(desired).create();
        } else {
            desired.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
            client.resource(desired).update();
        }
    }

    private static String want(DaemonSet ds) {
        var a = ds.getMetadata().getAnnotations();
        return a == null ? "" : a.getOrDefault(DaemonSetSpec.HASH_ANNOTATION, "");
    }

    /** Drops server-owned fields so the object can be re-applied. */
    private static DaemonSet clean(DaemonSet ds) {
        DaemonSet copy = Serialization.clone(ds);
        copy.getMetadata().setResourceVersion(null);
        copy.getMetadata().setUid(null);
        copy.getMetadata().setCreationTimestamp(null);
        copy.getMetadata().setManagedFields(null);
        copy.getMetadata().setGeneration(null);
        copy.setStatus(null);
        return copy;
    }
}

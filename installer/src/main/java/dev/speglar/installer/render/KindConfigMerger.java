package dev.speglar.installer.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Adds Speglar's containerdConfigPatches to a user's own kind Cluster config, keeping everything else. */
public final class KindConfigMerger {
    static final String API_PREFIX = "kind.x-k8s.io/";

    private KindConfigMerger() {}

    /** The containerdConfigPatches of a rendered Speglar kind config. */
    static List<String> patchesOf(String clusterYaml) {
        Map<String, Object> doc = load(clusterYaml);
        List<String> out = new ArrayList<>();
        if (doc.get("containerdConfigPatches") instanceof List<?> l) {
            l.forEach(p -> out.add(String.valueOf(p)));
        }
        return out;
    }

    /** Appends each patch not already present; rejects anything that is not a kind Cluster config. */
    public static String merge(String userYaml, List<String> patches) {
        Map<String, Object> doc = load(userYaml);
        Object kind = doc.get("kind");
        Object api = doc.get("apiVersion");
        if (!"Cluster".equals(kind) || !(api instanceof String a) || !a.startsWith(API_PREFIX)) {
            throw new IllegalArgumentException("--kind-config is not a kind Cluster config (need kind: Cluster and"
                    + " apiVersion: kind.x-k8s.io/v1alpha4; found kind=" + kind + ", apiVersion=" + api + ")");
        }
        List<String> unknown = KindClusterFields.problems(doc);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--kind-config has fields kind v1alpha4 does not know (kind create"
                    + " cluster would reject it):\n  " + String.join("\n  ", unknown));
        }
        List<Object> existing = new ArrayList<>();
        Object current = doc.get("containerdConfigPatches");
        if (current instanceof List<?> l) {
            existing.addAll(l);
        } else if (current != null) {
            throw new IllegalArgumentException("--kind-config: containerdConfigPatches must be a list");
        }
        refuseInlineRegistryConfig(existing);
        for (String p : patches) {
            if (!existing.contains(p)) {
                existing.add(p);
            }
        }
        Map<String, Object> merged = new LinkedHashMap<>(doc);
        merged.put("containerdConfigPatches", existing);
        return "# Merged by speglar render kind: containerdConfigPatches for the Speglar mirror appended.\n"
                + YamlMaps.dump(merged);
    }

    /**
     * containerd refuses CRI when registry.mirrors/configs are set next to config_path, so a user's patch with them
     * cannot be merged. The error carries the fix: the hosts.toml files that say the same.
     */
    private static void refuseInlineRegistryConfig(List<Object> userPatches) {
        List<InlineRegistryConfig.HostsFile> files = new ArrayList<>();
        for (Object p : userPatches) {
            files.addAll(InlineRegistryConfig.convert(String.valueOf(p)));
        }
        if (files.isEmpty()) {
            return;
        }
        StringBuilder fix = new StringBuilder("--kind-config: a containerdConfigPatches entry sets registry.mirrors or"
                + " registry.configs, which containerd rejects together with config_path (the CRI plugin would not"
                + " load). Remove those tables from the patch and give every node these files instead, e.g. after"
                + " 'kind create cluster': for n in $(kind get nodes --name NAME); do docker exec \"$n\" mkdir -p"
                + " /etc/containerd/certs.d/REGISTRY; docker exec -i \"$n\" cp /dev/stdin"
                + " /etc/containerd/certs.d/REGISTRY/hosts.toml < REGISTRY.hosts.toml; done");
        for (InlineRegistryConfig.HostsFile f : files) {
            fix.append("\n\n/etc/containerd/certs.d/")
                    .append(f.registry())
                    .append("/hosts.toml:\n")
                    .append(f.text());
            f.notConverted()
                    .forEach(n -> fix.append("# not convertible: ").append(n).append('\n'));
        }
        throw new IllegalArgumentException(fix.toString().stripTrailing());
    }

    private static Map<String, Object> load(String yaml) {
        return YamlMaps.load(yaml, "--kind-config");
    }
}

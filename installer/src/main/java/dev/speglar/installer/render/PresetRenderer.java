package dev.speglar.installer.render;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a preset to named files (name → content) from its templates and {@link RenderOptions}. */
public final class PresetRenderer {
    /** Talos's own registry config path: /etc/containerd/certs.d is read-only there. */
    public static final String TALOS_HOSTS_PATH = "/etc/cri/conf.d/hosts";
    /** Talos release that introduced CRICustomizationConfig (CRI restarts without reboot). */
    static final int TALOS_CRI_CUSTOMIZATION_MINOR = 14;
    /** Talos release that moved to containerd 2 (config version 3 keys). */
    static final int TALOS_CONTAINERD2_MINOR = 8;

    private PresetRenderer() {
    }

    public static Map<String, String> render(Preset preset, RenderOptions o) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        switch (preset) {
            case TALOS -> renderTalos(o, out);
            case KIND -> {
                String cluster = fill(preset, "cluster.yaml", o);
                if (o.kindConfig().isPresent()) {
                    String user = Files.readString(o.kindConfig().get());
                    cluster = KindConfigMerger.merge(user, KindConfigMerger.patchesOf(cluster));
                }
                out.put("cluster.yaml", cluster);
            }
            case DAEMONSET -> out.put("speglar.yaml", daemonset(o, o.configPath().orElse(null)));
            default -> {
                for (String file : preset.files()) {
                    out.put(file, fill(preset, file, o));
                }
            }
        }
        return out;
    }

    private static void renderTalos(RenderOptions o, Map<String, String> out) {
        int minor = RenderOptions.talosMinor(o.talosVersion().orElse("v1.14"));
        String patch = minor >= TALOS_CRI_CUSTOMIZATION_MINOR ? "cri-customization.yaml"
                : minor >= TALOS_CONTAINERD2_MINOR ? "machine-files-v3.yaml" : "machine-files-v2.yaml";
        out.put("talos-patch.yaml", fill(Preset.TALOS, patch, o));
        out.put("namespace.yaml", fill(Preset.TALOS, "namespace.yaml", o));
        out.put("speglar.yaml", daemonset(o, o.configPath().orElse(TALOS_HOSTS_PATH)));
    }

    private static String daemonset(RenderOptions o, String configPath) {
        Map<String, String> values = values(Preset.DAEMONSET, o);
        if (configPath != null) {
            values.put("SPEGLAR_CONFIG_PATH", configPath);
        }
        String text = Templates.fill(Templates.load("daemonset", "speglar.yaml"), values);
        return o.mirrorAdd() ? text : Templates.dropBlocks(text, "mirror-add");
    }

    private static String fill(Preset preset, String file, RenderOptions o) {
        return Templates.fill(Templates.load(preset.id(), file), values(preset, o));
    }

    /** Defaults from the preset's defaults.env, overridden by the options that are set. */
    static Map<String, String> values(Preset preset, RenderOptions o) {
        Map<String, String> v = new LinkedHashMap<>(Templates.defaults(preset.id()));
        o.configPath().ifPresent(x -> v.put("SPEGLAR_CONFIG_PATH", x));
        o.namespace().ifPresent(x -> v.put("SPEGLAR_NAMESPACE", x));
        o.image().ifPresent(x -> v.put("SPEGLAR_IMAGE", x));
        o.nodePort().ifPresent(x -> v.put("SPEGLAR_NODE_PORT", String.valueOf(x)));
        o.containerdSock().ifPresent(x -> v.put("SPEGLAR_CONTAINERD_SOCK", x));
        o.contentPath().ifPresent(x -> v.put("SPEGLAR_CONTENT_PATH", x));
        o.kindName().ifPresent(x -> v.put("SPEGLAR_KIND_NAME", x));
        o.agentPath().ifPresent(x -> v.put("SPEGLAR_AGENT_PATH", x));
        o.nodeIp().ifPresent(x -> v.put("SPEGLAR_NODE_IP", x));
        o.bootstrapArgs().ifPresent(x -> v.put("SPEGLAR_BOOTSTRAP_ARGS", x));
        o.eksBootstrapArgs().ifPresent(x -> v.put("SPEGLAR_EKS_BOOTSTRAP_ARGS", x));
        o.mirrorEndpoint().ifPresent(x -> v.put("SPEGLAR_MIRROR_ENDPOINT", x));
        o.packageUrl().ifPresent(x -> v.put("SPEGLAR_PACKAGE_URL", x));
        o.installArgs().ifPresent(x -> v.put("SPEGLAR_INSTALL_ARGS", x));
        if (!o.mirroredRegistries().isEmpty()) {
            v.put("SPEGLAR_MIRRORS", mirrorKeys(o.mirroredRegistries()));
        }
        return v;
    }

    /** registries.yaml keys: each quoted, one per line under {@code mirrors:} (the template adds the last colon). */
    static String mirrorKeys(List<String> registries) {
        return registries.stream().distinct().map(r -> "\"" + r + "\"").collect(Collectors.joining(":\n  "));
    }
}

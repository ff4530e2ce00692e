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

    private PresetRenderer() {}

    public static Map<String, String> render(Preset preset, RenderOptions o) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        switch (preset) {
            case TALOS -> {
                renderTalos(o, out);
                TalosVersion v = o.talosVersion().map(TalosVersion::parse).orElse(TalosVersion.newestStable());
                if (o.existingConfig().isPresent() && v.form() != TalosVersion.Form.CRI_CUSTOMIZATION) {
                    // The user's config already writes the customization part: extend it, do not add a second one.
                    TalosUserConfig.existingPart(
                                    Files.readString(o.existingConfig().get()))
                            .ifPresent(part -> out.put("talos-patch.yaml", TalosUserConfig.patch(part, v)));
                }
            }
            case KIND -> {
                String cluster = fill(preset, "cluster.yaml", o);
                if (o.kindConfig().isPresent()) {
                    String user = Files.readString(o.kindConfig().get());
                    cluster = KindConfigMerger.merge(user, KindConfigMerger.patchesOf(cluster));
                }
                out.put("cluster.yaml", cluster);
            }
            case DAEMONSET ->
                out.put("speglar.yaml", daemonset(o, o.configPath().orElse(null)));
            case EKS_AL2023 -> {
                if (o.existingConfig().isEmpty()) {
                    preset.files().forEach(f -> out.put(f, fill(preset, f, o)));
                } else {
                    // nodeadm picks its template from the keys the user's NodeConfig uses: match them.
                    String user = Files.readString(o.existingConfig().get());
                    String part = fill(
                            preset,
                            Al2023UserData.generation(user) == Al2023UserData.Generation.V3
                                    ? "50-speglar-v3.yaml"
                                    : "50-speglar.yaml",
                            o);
                    out.put("user-data.mime", Al2023UserData.merge(user, part));
                    out.put("50-speglar.yaml", part);
                }
            }
            case K3S, RKE2 -> {
                preset.files().forEach(f -> out.put(f, fill(preset, f, o)));
                if (o.existingConfig().isPresent()) {
                    List<String> registries = o.mirroredRegistries().isEmpty() ? List.of("*") : o.mirroredRegistries();
                    out.put(
                            "registries.yaml",
                            K3sRegistries.merge(
                                    Files.readString(o.existingConfig().get()), registries, "--registries-config"));
                }
            }
            default -> {
                for (String file : preset.files()) {
                    out.put(file, fill(preset, file, o));
                }
            }
        }
        return out;
    }

    private static void renderTalos(RenderOptions o, Map<String, String> out) {
        TalosVersion v = o.talosVersion().map(TalosVersion::parse).orElse(TalosVersion.newestStable());
        String patch = switch (v.form()) {
            case CRI_CUSTOMIZATION -> "cri-customization.yaml";
            case MACHINE_FILES_V3 -> "machine-files-v3.yaml";
            case MACHINE_FILES_V2 -> "machine-files-v2.yaml";
        };
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
        o.eksKubeletExtraArgs().ifPresent(x -> v.put("SPEGLAR_EKS_KUBELET_EXTRA_ARGS", x));
        o.mirrorEndpoint().ifPresent(x -> v.put("SPEGLAR_MIRROR_ENDPOINT", x));
        o.packageUrl().ifPresent(x -> v.put("SPEGLAR_PACKAGE_URL", x));
        o.installArgs().ifPresent(x -> v.put("SPEGLAR_INSTALL_ARGS", x));
        o.kubernetesVersion().ifPresent(x -> v.put("SPEGLAR_REGISTRY_LOCALITY", x.registryServiceLocality()));
        o.selinuxType().ifPresent(x -> v.put("SPEGLAR_POD_SECURITY_CONTEXT", "{seLinuxOptions: {type: " + x + "}}"));
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

package dev.speglar.installer.render;

import java.util.Arrays;
import java.util.List;

/** The presets {@code speglar render} knows, each a directory under presets/ with its templates. */
public enum Preset {
    EKS_AL2("eks-al2", List.of("user-data.mime")),
    EKS_AL2023("eks-al2023", List.of("user-data.mime", "50-speglar.yaml")),
    KIND("kind", List.of("cluster.yaml")),
    /** Talos files are chosen by version in {@link PresetRenderer}; namespace + agent manifest always. */
    TALOS("talos", List.of()),
    K3S("k3s", List.of("config.yaml", "registries.yaml")),
    RKE2("rke2", List.of("config.yaml", "registries.yaml")),
    BOTTLEROCKET("bottlerocket", List.of("settings.toml")),
    SYSTEMD("systemd", List.of("speglar-agent.service", "agent.env")),
    DAEMONSET("daemonset", List.of("speglar.yaml"));

    private final String id;
    private final List<String> files;

    Preset(String id, List<String> files) {
        this.id = id;
        this.files = files;
    }

    public String id() {
        return id;
    }

    List<String> files() {
        return files;
    }

    public static Preset fromId(String id) {
        return Arrays.stream(values())
                .filter(p -> p.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown preset '" + id + "'; valid: " + ids()));
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(Preset::id).toList());
    }

    @Override
    public String toString() {
        return id;
    }
}

package dev.speglar.installer.render;

import dev.speglar.installer.containerd.TomlTextEditor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Speglar's CRI setting for a Talos machine config that already has {@code /etc/cri/conf.d/20-customization.part}.
 * A strategic-merge patch would add a second {@code machine.files} entry for the same path; instead the user's file
 * keeps its content, gains Speglar's key (edited as text, so comments and order survive) and is replaced through a
 * JSON patch guarded by a {@code test} of the entry's path.
 */
final class TalosUserConfig {
    static final String PART = "/etc/cri/conf.d/20-customization.part";

    /** Index in machine.files and content of the existing customization part. */
    record ExistingPart(int index, String content) {}

    private TalosUserConfig() {}

    @SuppressWarnings("unchecked")
    static Optional<ExistingPart> existingPart(String machineConfig) {
        try {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(machineConfig)) {
                if (doc instanceof Map<?, ?> d
                        && d.get("machine") instanceof Map<?, ?> machine
                        && machine.get("files") instanceof List<?> files) {
                    for (int i = 0; i < files.size(); i++) {
                        if (files.get(i) instanceof Map<?, ?> f && PART.equals(f.get("path"))) {
                            Object content = f.get("content");
                            return Optional.of(new ExistingPart(i, content == null ? "" : content.toString()));
                        }
                    }
                }
            }
        } catch (YAMLException e) {
            throw new IllegalArgumentException("--talos-config is not valid YAML: " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    /** The JSON patch (as YAML) that sets discard_unpacked_layers = false in the existing part. */
    static String patch(ExistingPart part, TalosVersion version) {
        if (Toml.parse(part.content()).hasErrors()) {
            throw new IllegalArgumentException("--talos-config: " + PART + " is not valid TOML: "
                    + Toml.parse(part.content()).errors().getFirst());
        }
        TomlTextEditor editor = TomlTextEditor.of(
                part.content().isEmpty() || part.content().endsWith("\n") ? part.content() : part.content() + "\n");
        List<String> table = version.form() == TalosVersion.Form.MACHINE_FILES_V2
                ? List.of("plugins", "io.containerd.grpc.v1.cri", "containerd")
                : List.of("plugins", "io.containerd.cri.v1.images");
        editor.set(table, "discard_unpacked_layers", "false");
        String path = "/machine/files/" + part.index();
        List<Map<String, Object>> ops =
                List.of(op("test", path + "/path", PART), op("replace", path + "/content", editor.text()));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setDefaultScalarStyle(DumperOptions.ScalarStyle.PLAIN);
        return "# Speglar: JSON patch for a machine config whose machine.files[" + part.index() + "] is " + PART
                + ":\n# keeps its content and adds discard_unpacked_layers = false. talosctl patch machineconfig"
                + " --patch @talos-patch.yaml\n" + new Yaml(options).dump(ops);
    }

    private static Map<String, Object> op(String op, String path, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        m.put("value", value);
        return m;
    }
}

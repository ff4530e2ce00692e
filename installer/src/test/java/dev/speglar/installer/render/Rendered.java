package dev.speglar.installer.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Shortcuts for tests: render a preset, parse YAML, read test resources. */
final class Rendered {
    static final String V2_CRI = "\"plugins\".\"io.containerd.grpc.v1.cri\"";

    private Rendered() {}

    static Map<String, String> render(Preset preset) throws IOException {
        return PresetRenderer.render(preset, RenderOptions.defaults());
    }

    static Map<String, String> render(Preset preset, RenderOptions options) throws IOException {
        return PresetRenderer.render(preset, options);
    }

    static RenderOptions talos(String version) {
        return RenderOptions.builder().talosVersion(Optional.of(version)).build();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String text) {
        return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    static List<Object> yamlAll(String text) {
        List<Object> out = new java.util.ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text).forEach(out::add);
        return out;
    }

    static String resource(String path) throws IOException {
        return Files.readString(Path.of("src/test/resources").resolve(path));
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> map, String... path) {
        Object cur = map;
        for (String p : path) {
            cur = ((Map<String, Object>) cur).get(p);
        }
        return (T) cur;
    }
}

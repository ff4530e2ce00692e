package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Users' Talos machine configs that already write /etc/cri/conf.d/20-customization.part: {@code render talos
 * --talos-config} extends that file through a JSON patch. The patch is applied as talosctl applies RFC 6902 patches,
 * the result checked against that release's schema, and the resulting CRI part merged into Talos's own cri.toml as
 * Talos does: judged by a real {@code containerd config dump} for Talos 1.7 (config version 2), by the vendored
 * containerd 2 key definitions for 1.8+ (containerd here is 1.6).
 */
@Tag("real")
class TalosUserConfigTest {
    static final String DISCARD_V2 =
            "\"plugins\".\"io.containerd.grpc.v1.cri\".\"containerd\".\"discard_unpacked_layers\"";

    @TempDir
    Path dir;

    static String machineConfig(String partContent) {
        return """
                version: v1alpha1
                machine:
                  type: worker
                  files:
                  - path: /var/etc/motd
                    op: create
                    content: hello
                  - path: /etc/cri/conf.d/20-customization.part
                    op: create
                    content: |
                """ + partContent.indent(6) + """
                cluster:
                  clusterName: prod
                """;
    }

    static Stream<Arguments> existing() {
        return Stream.of(Arguments.of("v1.11.2", """
                        # ours: unprivileged ports for the ingress
                        [plugins."io.containerd.cri.v1.runtime"]
                          enable_unprivileged_ports = true
                        """), Arguments.of("v1.13.4", """
                        [plugins."io.containerd.cri.v1.images"]
                          discard_unpacked_layers = true
                          max_concurrent_downloads = 5
                        """), Arguments.of("v1.7.6", """
                        [plugins."io.containerd.grpc.v1.cri"]
                          enable_unprivileged_ports = true
                        """));
    }

    @ParameterizedTest(name = "Talos {0}")
    @MethodSource("existing")
    @SuppressWarnings("unchecked")
    void existingCustomizationPartIsExtendedNotDuplicated(String version, String userPart) throws Exception {
        Path config = Files.writeString(dir.resolve("worker.yaml"), machineConfig(userPart));
        CliRun r = CliRun.of(
                "render",
                "talos",
                "--talos-version",
                version,
                "--talos-config",
                config.toString(),
                "--file",
                "talos-patch.yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();

        Map<String, Object> patched = applyJsonPatch(Rendered.yaml(Files.readString(config)), r.out());
        List<Map<String, Object>> files = Rendered.at(patched, "machine", "files");
        assertThat(files)
                .hasSize(2)
                .extracting(f -> f.get("path"))
                .containsExactly("/var/etc/motd", "/etc/cri/conf.d/20-customization.part");
        String part = (String) files.get(1).get("content");
        assertThat(part)
                .contains(userPart.lines()
                        .filter(l -> !l.contains("discard_unpacked_layers"))
                        .toList());
        int minor = TalosVersion.parse(version).minor();
        assertThat(TalosSchemaTest.validate(minor, "machine:\n  files:\n" + yamlFiles(files)))
                .isEmpty();

        if (minor <= 7) { // Talos 1.7 merges conf.d parts into its version 2 cri.toml: real containerd judges it
            String base = Rendered.resource("bases/talos-1.7-cri.toml");
            String merged = TomlMaps.write(TomlMaps.mergePatch(TomlMaps.parse(base), TomlMaps.parse(part)));
            assertThat(RealContainerd.changes(dir.resolve("cri.toml"), base, merged))
                    .containsEntry(DISCARD_V2, false)
                    .containsEntry("\"plugins\".\"io.containerd.grpc.v1.cri\".\"enable_unprivileged_ports\"", true);
        } else {
            Map<String, Object> images = Rendered.at(TomlMaps.parse(part), "plugins", "io.containerd.cri.v1.images");
            assertThat(images).containsEntry("discard_unpacked_layers", false);
            Map<String, Object> defs = Rendered.yaml(Rendered.resource("schemas/containerd/cri-v1-images.json"));
            assertThat(((Map<String, Object>) defs.get("fields")).keySet()).containsAll(images.keySet());
        }
    }

    @Test
    void configWithoutThePartGetsTheUsualPatchAnd114TheCriCustomization() throws Exception {
        Path config = Files.writeString(dir.resolve("cp.yaml"), "version: v1alpha1\nmachine:\n  type: controlplane\n");

        CliRun plain = CliRun.of("render", "talos", "--talos-config", config.toString(), "--file", "talos-patch.yaml");
        CliRun next = CliRun.of(
                "render",
                "talos",
                "--talos-version",
                "v1.14.0-rc.1",
                "--talos-config",
                Files.writeString(dir.resolve("w.yaml"), machineConfig("[x]\n")).toString(),
                "--file",
                "talos-patch.yaml");

        assertThat(plain.out()).contains("path: /etc/cri/conf.d/20-customization.part", "op: create");
        assertThat(next.out()).contains("kind: CRICustomizationConfig");
    }

    /** RFC 6902 test/replace on a YAML tree, the two operations the rendered patch uses. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> applyJsonPatch(Map<String, Object> doc, String patchYaml) {
        for (Object o : (List<Object>) Rendered.yamlAll(patchYaml).getFirst()) {
            Map<String, Object> op = (Map<String, Object>) o;
            String[] path = ((String) op.get("path")).substring(1).split("/");
            Object parent = doc;
            for (int i = 0; i < path.length - 1; i++) {
                parent = parent instanceof List<?> l
                        ? l.get(Integer.parseInt(path[i]))
                        : ((Map<String, Object>) parent).get(path[i]);
            }
            Map<String, Object> target = (Map<String, Object>) parent;
            String key = path[path.length - 1];
            switch ((String) op.get("op")) {
                case "test" ->
                    assertThat(target.get(key)).as("test %s", op.get("path")).isEqualTo(op.get("value"));
                case "replace" -> {
                    assertThat(target).containsKey(key);
                    target.put(key, op.get("value"));
                }
                default -> throw new AssertionError("unexpected op " + op);
            }
        }
        return doc;
    }

    private static String yamlFiles(List<Map<String, Object>> files) {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> f : files) {
            sb.append("  - path: ")
                    .append(f.get("path"))
                    .append("\n    op: ")
                    .append(f.get("op"))
                    .append("\n    content: |\n")
                    .append(String.valueOf(f.get("content")).indent(6));
        }
        return sb.toString();
    }
}

package dev.speglar.installer.render;

import static dev.speglar.installer.render.Rendered.V2_CRI;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every containerd config fragment Speglar renders for containerd 1.x / schema 2 is applied to a realistic base config
 * the way its platform applies it, then loaded by the real containerd ({@code config dump}): the intended keys take
 * their new values and no other effective setting changes.
 */
@Tag("real")
class RenderedConfigsLoadInContainerdTest {
    static final String CONFIG_PATH = V2_CRI + ".\"registry\".\"config_path\"";
    static final String DISCARD = V2_CRI + ".\"containerd\".\"discard_unpacked_layers\"";

    @TempDir
    Path dir;

    @Test
    void eksAl2UserDataScriptEditsOnlyTheTwoTemplateLines() throws Exception {
        String template = Rendered.resource("hosts/eks-al2/etc/eks/containerd/containerd-config.toml");
        Path templateFile = dir.resolve("containerd-config.toml");
        Files.writeString(templateFile, template);

        int rc = runScript(shellPart(Rendered.render(Preset.EKS_AL2).get("user-data.mime")), templateFile);
        assertThat(rc).isZero();
        String patched = Files.readString(templateFile);

        Map<String, Object> changes = RealContainerd.changes(dir.resolve("config.toml"), template, patched);
        assertThat(changes)
                .containsExactlyInAnyOrderEntriesOf(Map.of(CONFIG_PATH, "/etc/containerd/certs.d", DISCARD, false));
    }

    @Test
    void eksAl2ScriptRefusesATemplateWithoutTheExpectedLines() throws Exception {
        Path templateFile = dir.resolve("containerd-config.toml");
        String unexpected = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = \"SANDBOX_IMAGE\"\n";
        Files.writeString(templateFile, unexpected);

        int rc = runScript(shellPart(Rendered.render(Preset.EKS_AL2).get("user-data.mime")), templateFile);

        assertThat(rc).isEqualTo(1);
        assertThat(Files.readString(templateFile)).isEqualTo(unexpected);
    }

    @Test
    void eksAl2023NodeConfigMergedLikeNodeadmChangesOnlyMirrorKeys() throws Exception {
        String base = Rendered.resource("bases/al2023-nodeadm-v2.toml");
        Mime mime = Mime.parse(Rendered.render(Preset.EKS_AL2023).get("user-data.mime"));
        Map<String, Object> nodeConfig = Rendered.yaml(mime.parts().getFirst().body());
        String fragment = Rendered.at(nodeConfig, "spec", "containerd", "config");

        String merged = TomlMaps.write(TomlMaps.mergePatch(TomlMaps.parse(base), TomlMaps.parse(fragment)));

        assertThat(RealContainerd.changes(dir.resolve("config.toml"), base, merged))
                .containsExactlyInAnyOrderEntriesOf(Map.of(CONFIG_PATH, "/etc/containerd/certs.d", DISCARD, false));
    }

    @Test
    void eksAl2023FragmentAloneIsAValidContainerdConfig() throws Exception {
        String fragment = Rendered.at(
                Rendered.yaml(Rendered.render(Preset.EKS_AL2023).get("50-speglar.yaml")),
                "spec",
                "containerd",
                "config");
        Path file = dir.resolve("fragment.toml");
        Files.writeString(file, "version = 2\n" + fragment);

        Map<String, Object> dump = RealContainerd.dump(file);

        assertThat(dump).containsEntry(CONFIG_PATH, "/etc/containerd/certs.d").containsEntry(DISCARD, false);
    }

    @Test
    void kindVersion2PatchAppliedToKindNodeConfig() throws Exception {
        String base = Rendered.resource("hosts/kind-on-ec2/etc/containerd/config.toml");
        List<String> patches =
                KindConfigMerger.patchesOf(Rendered.render(Preset.KIND).get("cluster.yaml"));
        // kind applies a patch only when its version equals the node config's version (2 for node images).
        List<Map<String, Object>> applicable = patches.stream()
                .map(TomlMaps::parse)
                .filter(p -> Long.valueOf(2).equals(p.get("version")))
                .toList();
        assertThat(applicable).hasSize(1);

        String merged = TomlMaps.write(TomlMaps.mergePatch(TomlMaps.parse(base), applicable.getFirst()));

        assertThat(RealContainerd.changes(dir.resolve("config.toml"), base, merged))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        CONFIG_PATH,
                        "/etc/containerd/certs.d",
                        DISCARD,
                        false,
                        "\"plugins\".\"io.containerd.metadata.v1.bolt\".\"content_sharing_policy\"",
                        "isolated"));
    }

    @Test
    void talosLegacyV2PartMergedIntoTalos17ConfigChangesOnlyDiscard() throws Exception {
        String base = Rendered.resource("bases/talos-1.7-cri.toml");
        Map<String, Object> patch = Rendered.yaml(
                Rendered.render(Preset.TALOS, Rendered.talos("v1.7.6")).get("talos-patch.yaml"));
        List<Map<String, Object>> files = Rendered.at(patch, "machine", "files");
        String part = (String) files.getFirst().get("content");

        String merged = TomlMaps.write(TomlMaps.mergePatch(TomlMaps.parse(base), TomlMaps.parse(part)));

        assertThat(RealContainerd.changes(dir.resolve("cri.toml"), base, merged))
                .containsExactlyInAnyOrderEntriesOf(Map.of(DISCARD, false));
    }

    /**
     * The guard over all of the above: every containerd config fragment any preset renders, for every Talos form and
     * the EKS package variants, is found; each version-2 fragment is loaded by the real containerd and every
     * key it sets shows in the dump with its value (containerd 1.6 drops keys it does not know, so a misspelt key
     * fails here). Version-3 fragments cannot be loaded by containerd 1.6 (and no 2.x can be built here: no Go):
     * each is checked against the vendored containerd 2 image-plugin keys instead, and must not carry version-2
     * plugin ids (containerd 2 ignores them in a version-3 file).
     */
    @Test
    void everyVersion2FragmentAnyPresetRendersLoadsWithEveryKeyInEffect() throws Exception {
        Map<String, String> v2 = new java.util.LinkedHashMap<>();
        Map<String, String> v3 = new java.util.LinkedHashMap<>();
        RenderOptions d = RenderOptions.defaults();
        for (RenderOptions o :
                List.of(d, d.withPackage("https://example.com/speglar.rpm", "--agent-arg=--bootstrap-kind=dns"))) {
            fragments("kind", Rendered.render(Preset.KIND, o), v2, v3);
            fragments("eks-al2023", Rendered.render(Preset.EKS_AL2023, o), v2, v3);
        }
        for (String talos : List.of("v1.6.7", "v1.7.6", "v1.8.4", "v1.13.4", "v1.14.0-rc.1")) {
            fragments("talos " + talos, Rendered.render(Preset.TALOS, Rendered.talos(talos)), v2, v3);
        }

        assertThat(v2.keySet())
                .as("version-2 fragments found")
                .anyMatch(k -> k.startsWith("kind"))
                .anyMatch(k -> k.startsWith("eks-al2023"))
                .anyMatch(k -> k.startsWith("talos v1.6.7"))
                .anyMatch(k -> k.startsWith("talos v1.7.6"));
        assertThat(v3.keySet())
                .as("version-3 fragments (vendored key checks only)")
                .anyMatch(k -> k.startsWith("kind"))
                .anyMatch(k -> k.startsWith("talos v1.8.4"))
                .anyMatch(k -> k.startsWith("talos v1.14.0-rc.1"))
                .noneMatch(k -> k.startsWith("talos v1.7.6") || k.startsWith("talos v1.6.7"));
        for (var e : v2.entrySet()) {
            Path file = dir.resolve("fragment.toml");
            String text = e.getValue().contains("version = 2") ? e.getValue() : "version = 2\n" + e.getValue();
            Files.writeString(file, text);
            Map<String, Object> set = TomlMaps.flatten(TomlMaps.parse(text));
            set.remove("\"version\"");

            assertThat(RealContainerd.dump(file)).as(e.getKey()).containsAllEntriesOf(set);
        }
        for (var e : v3.entrySet()) {
            Map<String, Object> plugins = Rendered.at(TomlMaps.parse(e.getValue()), "plugins");
            assertThat(plugins)
                    .as(e.getKey())
                    .containsKey("io.containerd.cri.v1.images")
                    .doesNotContainKey("io.containerd.grpc.v1.cri");
            assertThat(EksUserDataTest.unknownV3Keys(Rendered.at(plugins, "io.containerd.cri.v1.images")))
                    .as(e.getKey())
                    .isEmpty();
        }
        // Multi-flag kubelet arguments need bootstrap.sh: EksUserDataTest runs that variant with a stand-in.
        for (String variant : List.of("default", "package")) {
            RenderOptions o = switch (variant) {
                case "package" -> d.withPackage("https://example.com/speglar.rpm", "--agent-arg=--standalone");
                default -> d;
            };
            String template = Rendered.resource("hosts/eks-al2/etc/eks/containerd/containerd-config.toml");
            Path templateFile = dir.resolve("containerd-config.toml");
            Files.writeString(templateFile, template);
            assertThat(runScript(shellPart(Rendered.render(Preset.EKS_AL2, o).get("user-data.mime")), templateFile))
                    .as(variant)
                    .isZero();
            assertThat(RealContainerd.changes(dir.resolve("config.toml"), template, Files.readString(templateFile)))
                    .as("eks-al2 " + variant)
                    .containsExactlyInAnyOrderEntriesOf(Map.of(CONFIG_PATH, "/etc/containerd/certs.d", DISCARD, false));
        }
    }

    /** containerd TOML fragments in rendered files: kind patches, NodeConfig configs, Talos files and documents. */
    @SuppressWarnings("unchecked")
    private static void fragments(
            String where, Map<String, String> files, Map<String, String> v2, Map<String, String> v3) {
        for (var f : files.entrySet()) {
            if (!f.getKey().endsWith(".yaml") && !f.getKey().endsWith(".mime")) continue;
            List<String> docs = f.getKey().endsWith(".mime")
                    ? Mime.parse(f.getValue()).parts().stream()
                            .filter(p -> p.contentType().equals(Al2023UserData.NODECONFIG_TYPE))
                            .map(Mime.Part::body)
                            .toList()
                    : List.of(f.getValue());
            int n = 0;
            for (String doc : docs) {
                for (Object o : Rendered.yamlAll(doc)) {
                    List<String> tomls = new java.util.ArrayList<>();
                    collect(o, tomls);
                    for (String toml : tomls) {
                        String key = where + " " + f.getKey() + " #" + n++;
                        Map<String, Object> t = TomlMaps.parse(toml);
                        // Talos parts carry no version line: the plugin ids say which schema they are written for.
                        boolean three = t.get("version") instanceof Long l
                                ? l == 3
                                : ((Map<String, Object>) t.get("plugins")).containsKey("io.containerd.cri.v1.images");
                        (three ? v3 : v2).put(key, toml);
                    }
                }
            }
        }
    }

    /** Strings anywhere in a YAML tree that parse as TOML with a plugins table (containerd config). */
    private static void collect(Object node, List<String> out) {
        if (node instanceof Map<?, ?> m) m.values().forEach(v -> collect(v, out));
        else if (node instanceof List<?> l) l.forEach(v -> collect(v, out));
        else if (node instanceof String s && s.contains("plugins")) {
            try {
                if (TomlMaps.parse(s).containsKey("plugins")) out.add(s);
            } catch (RuntimeException notToml) {
                // prose or YAML that mentions plugins: not a fragment
            }
        }
    }

    /** The shell part of a user-data MIME document. */
    static String shellPart(String userData) {
        return Mime.parse(userData).parts().stream()
                .filter(p -> p.contentType().equals("text/x-shellscript"))
                .findFirst()
                .orElseThrow()
                .body();
    }

    private int runScript(String script, Path template) throws IOException, InterruptedException {
        Path file = dir.resolve("user-data.sh");
        Files.writeString(file, script);
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("script.log").toFile());
        pb.environment().put("EKS_CONTAINERD_TEMPLATE", template.toString());
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("script finished").isTrue();
        return p.exitValue();
    }
}

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

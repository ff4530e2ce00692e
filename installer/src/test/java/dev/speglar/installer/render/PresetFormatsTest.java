package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/** Each rendered artifact parses in its own format and carries the settings its platform needs. */
class PresetFormatsTest {
    static final String V3_IMAGES = "\"io.containerd.cri.v1.images\"";

    @Test
    void eksAl2UserDataIsMimeWithTheTemplatePatchThenThePackagePart() throws Exception {
        Mime mime = Mime.parse(Rendered.render(Preset.EKS_AL2).get("user-data.mime"));

        // The second part installs the speglar package when --package-url is given (PackageUserDataTest).
        assertThat(mime.parts())
                .extracting(Mime.Part::contentType)
                .containsExactly("text/x-shellscript", "text/x-shellscript");
        String script = mime.parts().getFirst().body();
        assertThat(script)
                .startsWith("#!/bin/bash\n")
                .contains("CONFIG_PATH='/etc/containerd/certs.d'")
                .contains("BOOTSTRAP_ARGS=''");
    }

    @Test
    void eksAl2023UserDataCarriesAPortableNodeConfigPart() throws Exception {
        Mime mime = Mime.parse(Rendered.render(Preset.EKS_AL2023).get("user-data.mime"));

        assertThat(mime.parts())
                .extracting(Mime.Part::contentType)
                .containsExactly("application/node.eks.aws", "text/x-shellscript");
        Map<String, Object> nodeConfig = Rendered.yaml(mime.parts().getFirst().body());
        assertThat(nodeConfig)
                .containsEntry("apiVersion", "node.eks.aws/v1alpha1")
                .containsEntry("kind", "NodeConfig");
        assertThat(nodeConfig).containsOnlyKeys("apiVersion", "kind", "spec");
        assertThat((Map<String, Object>) Rendered.at(nodeConfig, "spec", "containerd"))
                .containsOnlyKeys("config");
        String toml = Rendered.at(nodeConfig, "spec", "containerd", "config");
        TomlParseResult parsed = Toml.parse(toml);
        assertThat(parsed.errors()).isEmpty();
        // nodeadm treats any v3 plugin ID as a v3 config and fails on containerd 1.x AMIs: v2 keys only.
        assertThat(toml).doesNotContain("io.containerd.cri.v1");
        assertThat(parsed.getString(List.of("plugins", "io.containerd.grpc.v1.cri", "registry", "config_path")))
                .isEqualTo("/etc/containerd/certs.d")
                .doesNotContain(":");
        assertThat(parsed.getBoolean(
                        List.of("plugins", "io.containerd.grpc.v1.cri", "containerd", "discard_unpacked_layers")))
                .isFalse();
        assertThat(Rendered.yaml(Rendered.render(Preset.EKS_AL2023).get("50-speglar.yaml")))
                .isEqualTo(nodeConfig);
    }

    @Test
    void mimeParserRejectsBrokenDocuments() {
        String ok =
                "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nx\n--B--\n";
        assertThat(Mime.parse(ok).parts())
                .singleElement()
                .extracting(Mime.Part::body)
                .isEqualTo("x");
        assertThatThrownBy(() -> Mime.parse(ok.replace("--B--", "--B"))).hasMessageContaining("closing boundary");
        assertThatThrownBy(() -> Mime.parse(ok.replace("MIME-Version: 1.0\n", "")))
                .hasMessageContaining("MIME-Version");
        assertThatThrownBy(() -> Mime.parse(ok.replace("multipart/mixed", "text/plain")))
                .hasMessageContaining("multipart");
    }

    @Test
    void kindClusterConfigHasOnePatchPerSchemaVersion() throws Exception {
        Map<String, Object> cluster = Rendered.yaml(Rendered.render(Preset.KIND).get("cluster.yaml"));

        assertThat(cluster)
                .containsEntry("kind", "Cluster")
                .containsEntry("apiVersion", "kind.x-k8s.io/v1alpha4")
                .containsEntry("name", "speglar");
        assertThat((List<Map<String, Object>>) Rendered.at(cluster, "nodes"))
                .extracting(n -> n.get("role"))
                .containsExactly("control-plane", "worker", "worker");
        List<String> patches = Rendered.at(cluster, "containerdConfigPatches");
        assertThat(patches).hasSize(2);
        TomlParseResult v3 = Toml.parse(patches.get(1));
        assertThat(v3.errors()).isEmpty();
        assertThat(v3.getLong("version")).isEqualTo(3);
        assertThat(v3.getString(List.of("plugins", "io.containerd.cri.v1.images", "registry", "config_path")))
                .isEqualTo("/etc/containerd/certs.d");
        assertThat(v3.getBoolean(List.of("plugins", "io.containerd.cri.v1.images", "discard_unpacked_layers")))
                .isFalse();
        assertThat(v3.getBoolean(List.of("plugins", "io.containerd.cri.v1.images", "use_local_image_pull")))
                .isTrue();
        assertThat(patches.get(1)).doesNotContain("grpc.v1.cri");
        // kind's v1alpha4 decoder is strict: only fields of its Cluster and Node types.
        assertThat(cluster.keySet())
                .isSubsetOf(
                        "kind",
                        "apiVersion",
                        "name",
                        "nodes",
                        "networking",
                        "featureGates",
                        "runtimeConfig",
                        "kubeadmConfigPatches",
                        "kubeadmConfigPatchesJSON6902",
                        "containerdConfigPatches",
                        "containerdConfigPatchesJSON6902");
        for (Map<String, Object> node : (List<Map<String, Object>>) Rendered.at(cluster, "nodes")) {
            assertThat(node.keySet())
                    .isSubsetOf(
                            "role",
                            "image",
                            "labels",
                            "extraMounts",
                            "extraPortMappings",
                            "kubeadmConfigPatches",
                            "kubeadmConfigPatchesJSON6902");
        }
    }

    @ParameterizedTest(name = "Talos {0}")
    @CsvSource({
        "v1.15.0, CRICustomizationConfig, io.containerd.cri.v1.images",
        "1.14, CRICustomizationConfig, io.containerd.cri.v1.images",
        "v1.11.2, machine.files, io.containerd.cri.v1.images",
        "v1.8.0, machine.files, io.containerd.cri.v1.images",
        "v1.7.6, machine.files, io.containerd.grpc.v1.cri",
    })
    void talosPatchFormFollowsTheVersion(String version, String form, String pluginId) throws Exception {
        Map<String, Object> patch = Rendered.yaml(
                Rendered.render(Preset.TALOS, Rendered.talos(version)).get("talos-patch.yaml"));

        String content;
        if (form.equals("CRICustomizationConfig")) {
            assertThat(patch)
                    .containsEntry("apiVersion", "v1alpha1")
                    .containsEntry("kind", "CRICustomizationConfig")
                    .containsEntry("name", "speglar")
                    .containsOnlyKeys("apiVersion", "kind", "name", "content");
            content = (String) patch.get("content");
        } else {
            List<Map<String, Object>> files = Rendered.at(patch, "machine", "files");
            assertThat(patch).containsOnlyKeys("machine");
            assertThat(files).hasSize(1);
            assertThat(files.getFirst()).containsOnlyKeys("path", "op", "content");
            assertThat(files.getFirst())
                    .containsEntry("path", "/etc/cri/conf.d/20-customization.part")
                    .containsEntry("op", "create");
            content = (String) files.getFirst().get("content");
        }
        TomlParseResult toml = Toml.parse(content);
        assertThat(toml.errors()).isEmpty();
        List<String> discard = pluginId.endsWith("images")
                ? List.of("plugins", pluginId, "discard_unpacked_layers")
                : List.of("plugins", pluginId, "containerd", "discard_unpacked_layers");
        assertThat(toml.getBoolean(discard)).isFalse();
        // Talos owns config_path (/etc/cri/conf.d/hosts); setting it here would fight its registry controller.
        assertThat(content).doesNotContain("config_path");
    }

    @ParameterizedTest
    @CsvSource({"k3s", "rke2"})
    void embeddedMirrorConfigForK3sAndRke2(String id) throws Exception {
        Map<String, String> files = Rendered.render(Preset.fromId(id));

        assertThat(Rendered.yaml(files.get("config.yaml"))).containsExactly(Map.entry("embedded-registry", true));
        Map<String, Object> registries = Rendered.yaml(files.get("registries.yaml"));
        assertThat((Map<String, Object>) registries.get("mirrors")).containsOnlyKeys("*");
        assertThat(files.get("registries.yaml")).contains("/etc/rancher/" + id + "/registries.yaml");
    }

    @Test
    void k3sMirroredRegistriesListed() throws Exception {
        RenderOptions o = RenderOptions.builder()
                .mirroredRegistries(List.of("docker.io", "ghcr.io", "registry.example.com:5000"))
                .build();

        Map<String, Object> registries =
                Rendered.yaml(Rendered.render(Preset.K3S, o).get("registries.yaml"));

        assertThat((Map<String, Object>) registries.get("mirrors"))
                .containsOnlyKeys("docker.io", "ghcr.io", "registry.example.com:5000");
    }

    @Test
    void bottlerocketSettingsDeclareAWildcardMirror() throws Exception {
        RenderOptions o = RenderOptions.builder()
                .mirrorEndpoint(Optional.of("http://10.0.0.7:30020"))
                .build();

        TomlParseResult toml =
                Toml.parse(Rendered.render(Preset.BOTTLEROCKET, o).get("settings.toml"));

        assertThat(toml.errors()).isEmpty();
        var mirror = toml.getArray(List.of("settings", "container-registry", "mirrors"))
                .getTable(0);
        assertThat(mirror.getString("registry")).isEqualTo("*");
        assertThat(mirror.getArray("endpoint").toList()).containsExactly("http://10.0.0.7:30020");
    }
}

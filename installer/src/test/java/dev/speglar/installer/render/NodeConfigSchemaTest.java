package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every NodeConfig Speglar renders for EKS AL2023 (the preset's parts, the containerd 2 variant, and user data merged
 * with --user-data) matches nodeadm's NodeConfig CRD schema, vendored under src/test/resources/schemas/nodeadm/.
 */
class NodeConfigSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    static List<String> validate(String yaml) throws Exception {
        Map<String, Object> defs;
        try (InputStream in =
                NodeConfigSchemaTest.class.getResourceAsStream("/schemas/nodeadm/nodeconfig-v1alpha1.json")) {
            defs = (Map<String, Object>) JSON.readValue(in, Map.class).get("$defs");
        }
        List<String> errors = new ArrayList<>();
        for (Object doc : Rendered.yamlAll(yaml)) {
            if (doc != null) {
                TalosSchemaTest.check(defs, (Map<String, Object>) defs.get("NodeConfig"), doc, "", errors, true);
            }
        }
        return errors;
    }

    private static List<String> nodeConfigParts(String mime) {
        return Mime.parse(mime).parts().stream()
                .filter(p -> p.contentType().equals(Al2023UserData.NODECONFIG_TYPE))
                .map(Mime.Part::body)
                .toList();
    }

    @Test
    void presetNodeConfigsMatchTheCrd() throws Exception {
        Map<String, String> files = Rendered.render(Preset.EKS_AL2023);

        assertThat(validate(files.get("50-speglar.yaml"))).isEmpty();
        assertThat(nodeConfigParts(files.get("user-data.mime")))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(validate(p)).isEmpty());
        assertThat(validate(Templates.fill(
                        Templates.load("eks-al2023", "50-speglar-v3.yaml"), Templates.defaults("eks-al2023"))))
                .isEmpty();
    }

    @Test
    void mergedUserDataMatchesTheCrdAndTheCheckerCatchesUnknownFields() throws Exception {
        Path user = Files.writeString(dir.resolve("ud"), EksUserDataTest.CLUSTER + """
                  kubelet:
                    flags: ["--node-labels=team=a"]
                  containerd:
                    config: |
                      [plugins."io.containerd.cri.v1.images"]
                      max_concurrent_downloads = 8
                """);
        String merged = Rendered.render(
                        Preset.EKS_AL2023, RenderOptions.defaults().withExistingConfig(user))
                .get("user-data.mime");

        assertThat(nodeConfigParts(merged))
                .hasSize(2)
                .allSatisfy(p -> assertThat(validate(p)).isEmpty());
        assertThat(validate(EksUserDataTest.CLUSTER.replace("cidr:", "cidrs:")))
                .singleElement()
                .asString()
                .contains("spec.cluster.cidrs: unknown field");
    }
}

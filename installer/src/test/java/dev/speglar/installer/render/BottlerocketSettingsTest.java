package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.speglar.installer.CliRun;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bottlerocket user data against the container-registry settings model (RegistrySettingsV1 of
 * bottlerocket-settings-sdk, vendored as src/test/resources/schemas/bottlerocket/container-registry-v1.json). The
 * model denies unknown fields, so a mistyped key would make Bottlerocket reject the whole user data at boot.
 */
class BottlerocketSettingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    static List<String> validate(String toml) throws Exception {
        Map<String, Object> defs;
        try (InputStream in = BottlerocketSettingsTest.class.getResourceAsStream(
                "/schemas/bottlerocket/container-registry-v1.json")) {
            defs = (Map<String, Object>) JSON.readValue(in, Map.class).get("$defs");
        }
        List<String> errors = new ArrayList<>();
        TalosSchemaTest.check(defs, (Map<String, Object>) defs.get("UserData"), TomlMaps.parse(toml), "", errors, true);
        return errors;
    }

    @Test
    void renderedUserDataMatchesTheSettingsModel() throws Exception {
        String byDefault = CliRun.of("render", "bottlerocket").out();
        String nodeIp = CliRun.of("render", "bottlerocket", "--mirror-endpoint", "http://10.0.0.7:30020")
                .out();

        assertThat(validate(byDefault)).isEmpty();
        assertThat(validate(nodeIp)).isEmpty();
        assertThat(Rendered.<Object>at(TomlMaps.parse(nodeIp), "settings", "container-registry", "mirrors"))
                .isEqualTo(List.of(Map.of("registry", "*", "endpoint", List.of("http://10.0.0.7:30020"))));
    }

    /** The vendored model is strict: these are the mistakes Bottlerocket's API would refuse. */
    @Test
    void settingsModelRejectsUnknownKeysAndValues() throws Exception {
        String ok = CliRun.of("render", "bottlerocket").out();

        assertThat(validate(ok.replace("endpoint =", "endpoints =")))
                .singleElement()
                .asString()
                .contains("settings.container-registry.mirrors[0].endpoints: unknown field");
        assertThat(validate(ok + "capabilities = [\"fetch\"]\n"))
                .singleElement()
                .asString()
                .contains("capabilities[0]", "not one of [pull, resolve, push]");
        assertThat(validate(ok + "capabilities = [\"pull\", \"resolve\"]\n")).isEmpty();
        assertThat(validate("[settings.container-registry]\nmirror = []\n"))
                .singleElement()
                .asString()
                .contains("mirror: unknown field");
    }
}

package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.speglar.installer.CliRun;
import dev.speglar.installer.ExitCode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Talos patch rendered for each Talos minor is valid, strictly, against that release's machine-config schema
 * (vendored under src/test/resources/schemas/talos/, source recorded in each file): a v1alpha1 patch must use only
 * fields the release knows; a separate document must be a kind the release registers, with its required fields.
 */
class TalosSchemaTest {
    static final List<Integer> MINORS = IntStream.rangeClosed(7, 14).boxed().toList();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Stream<Integer> minors() {
        return MINORS.stream();
    }

    static String version(int minor) {
        return minor == 14 ? "v1.14.0-rc.1" : "v1." + minor + ".2";
    }

    @ParameterizedTest(name = "Talos 1.{0}")
    @MethodSource("minors")
    void patchRenderedForEachMinorMatchesItsSchema(int minor) throws Exception {
        String patch =
                Rendered.render(Preset.TALOS, Rendered.talos(version(minor))).get("talos-patch.yaml");

        assertThat(validate(minor, patch)).isEmpty();
    }

    static Stream<Integer> containerd2Minors() {
        return IntStream.rangeClosed(8, 14).boxed();
    }

    /** Without --talos-version the output must work on every stable release with containerd 2 (1.8-1.13). */
    @ParameterizedTest(name = "Talos 1.{0}")
    @MethodSource("containerd2Minors")
    void defaultPatchWorksOnEveryStableReleaseWithContainerd2(int minor) throws Exception {
        String patch = Rendered.render(Preset.TALOS).get("talos-patch.yaml");
        List<String> errors = validate(minor, patch);

        if (minor <= TalosVersion.NEWEST_STABLE_MINOR) {
            assertThat(errors).isEmpty();
        } else { // 1.14 (pre-release here) dropped machine.files: render with --talos-version for it
            assertThat(errors).singleElement().asString().contains("machine.files: unknown field");
        }
    }

    @Test
    void criCustomizationIsNotRegisteredBefore114() throws Exception {
        String patch = Rendered.render(Preset.TALOS, Rendered.talos("v1.14.0")).get("talos-patch.yaml");

        assertThat(validate(13, patch))
                .singleElement()
                .asString()
                .contains("CRICustomizationConfig is not registered in Talos 1.13");
        assertThat(validate(14, patch)).isEmpty();
        assertThat(validate(14, "apiVersion: v1alpha1\nkind: CRICustomizationConfig\ncontent: x\n"))
                .singleElement()
                .asString()
                .contains("missing required field \"name\"");
    }

    @Test
    void versionFromTalosctlOutput() throws Exception {
        String out = """
                Client:
                	Tag:         v1.14.0-rc.1
                	SHA:         1a2b3c4d
                Server:
                	NODE:        10.5.0.2
                	Tag:         v1.13.4
                	SHA:         5e6f7a8b
                	NODE:        10.5.0.3
                	Tag:         v1.12.6
                """;
        assertThat(TalosVersion.fromTalosctl(out)).isEqualTo(new TalosVersion(12, "v1.12.6"));
        assertThatThrownBy(() -> TalosVersion.fromTalosctl(out.replace("v1.12.6", "v1.14.0-rc.1")))
                .hasMessageContaining("need different patch forms");
        assertThatThrownBy(() -> TalosVersion.fromTalosctl("Client:\n\tTag: v1.13.4\n"))
                .hasMessageContaining("no 'Server:' section");

        Path file = Files.writeString(
                dir.resolve("talosctl-version.txt"),
                out.replace("v1.12.6", "v1.14.0-rc.1").replace("v1.13.4", "v1.14.0-rc.1"));
        CliRun r = CliRun.of("render", "talos", "--talosctl-version", file.toString(), "--file", "talos-patch.yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("kind: CRICustomizationConfig");
        assertThat(CliRun.of("render", "talos", "--talos-version", "v2.0.0").exitCode())
                .isEqualTo(ExitCode.USAGE);
    }

    // --- a strict checker for the JSON Schema subset the vendored files use ---

    @SuppressWarnings("unchecked")
    static List<String> validate(int minor, String yaml) throws Exception {
        Map<String, Object> defs;
        try (InputStream in = TalosSchemaTest.class.getResourceAsStream("/schemas/talos/1." + minor + ".json")) {
            Map<String, Object> file = JSON.readValue(in, Map.class);
            assertThat(file.get("source")).asString().startsWith("siderolabs/talos v1." + minor + ".");
            defs = (Map<String, Object>) file.get("$defs");
        }
        List<String> errors = new ArrayList<>();
        for (Object d : Rendered.yamlAll(yaml)) {
            Map<String, Object> doc = (Map<String, Object>) d;
            if (doc.containsKey("kind")) { // a separate config document: its kind must be registered, complete
                String def = defs.keySet().stream()
                        .filter(k -> k.endsWith("." + doc.get("kind") + "V1Alpha1"))
                        .findFirst()
                        .orElse(null);
                if (def == null) {
                    errors.add(doc.get("kind") + " is not registered in Talos 1." + minor);
                } else {
                    check(defs, (Map<String, Object>) defs.get(def), doc, "", errors, true);
                }
            } else { // a v1alpha1 strategic-merge patch: partial, but every field must exist
                check(defs, (Map<String, Object>) defs.get("v1alpha1.Config"), doc, "", errors, false);
            }
        }
        return errors;
    }

    @SuppressWarnings("unchecked")
    static void check(
            Map<String, Object> defs,
            Map<String, Object> schema,
            Object value,
            String path,
            List<String> errors,
            boolean complete) {
        if (schema.get("$ref") instanceof String ref) {
            check(
                    defs,
                    (Map<String, Object>) defs.get(ref.substring("#/$defs/".length())),
                    value,
                    path,
                    errors,
                    complete);
            return;
        }
        if (Boolean.TRUE.equals(schema.get("x-not-vendored"))) {
            errors.add(path + ": schema not vendored (re-run scripts/vendor-talos-schemas.py)");
            return;
        }
        if (value == null && Boolean.TRUE.equals(schema.get("nullable"))) {
            return;
        }
        if (schema.get("enum") instanceof List<?> values && !values.contains(value)) {
            errors.add(path + ": " + value + " is not one of " + values);
        }
        Object type = schema.get("type");
        if ("object".equals(type)) {
            if (!(value instanceof Map<?, ?> map)) {
                errors.add(path + ": expected an object");
                return;
            }
            Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
            map.forEach((k, v) -> {
                String p = path.isEmpty() ? (String) k : path + "." + k;
                if (props.containsKey(k)) {
                    check(defs, (Map<String, Object>) props.get(k), v, p, errors, complete);
                } else if (schema.get("additionalProperties") instanceof Map<?, ?> each) {
                    check(defs, (Map<String, Object>) each, v, p, errors, complete);
                } else if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
                    errors.add(p + ": unknown field");
                }
            });
            if (complete && schema.get("required") instanceof List<?> req) {
                req.stream()
                        .filter(r -> !map.containsKey(r))
                        .forEach(r -> errors.add(path + ": missing required field \"" + r + "\""));
            }
        } else if ("array".equals(type)) {
            if (!(value instanceof List<?> list)) {
                errors.add(path + ": expected an array");
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                check(
                        defs,
                        (Map<String, Object>) schema.get("items"),
                        list.get(i),
                        path + "[" + i + "]",
                        errors,
                        complete);
            }
        } else if ("string".equals(type) && !(value instanceof String)) {
            errors.add(path + ": expected a string");
        } else if ("integer".equals(type) && !(value instanceof Integer || value instanceof Long)) {
            errors.add(path + ": expected an integer");
        } else if ("boolean".equals(type) && !(value instanceof Boolean)) {
            errors.add(path + ": expected a boolean");
        }
    }
}

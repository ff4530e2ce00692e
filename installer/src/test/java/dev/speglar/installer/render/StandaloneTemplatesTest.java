package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * presets/ is usable without the installer: sourcing a preset's defaults.env and running envsubst on a template
 * gives byte for byte what {@code speglar render} prints with default options.
 */
@Tag("real")
class StandaloneTemplatesTest {
    static final Path PRESETS = Path.of("..", "presets");

    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of("eks-al2", "user-data.mime", Preset.EKS_AL2, "user-data.mime"),
                Arguments.of("eks-al2023", "user-data.mime", Preset.EKS_AL2023, "user-data.mime"),
                Arguments.of("eks-al2023", "50-speglar.yaml", Preset.EKS_AL2023, "50-speglar.yaml"),
                Arguments.of("kind", "cluster.yaml", Preset.KIND, "cluster.yaml"),
                Arguments.of("talos", "machine-files-v3.yaml", Preset.TALOS, "talos-patch.yaml"),
                Arguments.of("talos", "namespace.yaml", Preset.TALOS, "namespace.yaml"),
                Arguments.of("k3s", "registries.yaml", Preset.K3S, "registries.yaml"),
                Arguments.of("rke2", "config.yaml", Preset.RKE2, "config.yaml"),
                Arguments.of("bottlerocket", "settings.toml", Preset.BOTTLEROCKET, "settings.toml"),
                Arguments.of("systemd", "speglar-agent.service", Preset.SYSTEMD, "speglar-agent.service"),
                Arguments.of("systemd", "agent.env", Preset.SYSTEMD, "agent.env"),
                Arguments.of("daemonset", "speglar.yaml", Preset.DAEMONSET, "speglar.yaml"));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("files")
    void envsubstWithDefaultsEqualsRender(String dir, String file, Preset preset, String rendered) throws Exception {
        Path presetDir = PRESETS.resolve(dir);
        assertThat(presetDir.resolve(file)).isRegularFile();
        Path out = Files.createTempFile("envsubst", ".out");
        try {
            String script = "set -a; . ./defaults.env; set +a; "
                    + "envsubst \"$(sed -n 's/^\\(SPEGLAR_[A-Z0-9_]*\\)=.*/${\\1}/p' defaults.env)\" < " + file;
            Process p = new ProcessBuilder("sh", "-c", script)
                    .directory(presetDir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue())
                    .as("envsubst (Debian package gettext-base)")
                    .isZero();

            Map<String, String> files = Rendered.render(preset);
            assertThat(Files.readString(out)).isEqualTo(files.get(rendered));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}

package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.speglar.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/**
 * The real containerd binary (Debian package {@code containerd}) as a config oracle: {@code containerd --config FILE
 * config dump} prints the merged, effective config without a daemon. Fails loudly when containerd is missing.
 */
final class RealContainerd {
    private RealContainerd() {}

    static Path binary() {
        return Tools.require("containerd");
    }

    /** Effective config of {@code config} as flattened dotted keys (the file must exist: dump would show defaults). */
    static Map<String, Object> dump(Path config) throws IOException, InterruptedException {
        assertThat(config).isRegularFile();
        Path out = Files.createTempFile("containerd-dump", ".toml");
        Path err = Files.createTempFile("containerd-dump", ".err");
        try {
            Process p = new ProcessBuilder(binary().toString(), "--config", config.toString(), "config", "dump")
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("containerd config dump did not finish in 30 s");
            }
            assertThat(p.exitValue())
                    .as("containerd config dump of %s failed: %s", config, Files.readString(err))
                    .isZero();
            TomlParseResult toml = Toml.parse(Files.readString(out));
            assertThat(toml.errors()).as("dump output parses").isEmpty();
            return TomlMaps.flatten(TomlMaps.plain(toml));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Dumps {@code before}, then {@code after} written to the same path, and returns the keys whose values differ. */
    static Map<String, Object> changes(Path file, String before, String after)
            throws IOException, InterruptedException {
        Files.writeString(file, before);
        Map<String, Object> a = dump(file);
        Files.writeString(file, after);
        Map<String, Object> b = dump(file);
        return TomlMaps.diff(a, b);
    }
}

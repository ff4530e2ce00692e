package dev.speglar.installer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.speglar.installer.CliRun;
import dev.speglar.installer.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture host root under src/test/resources/hosts carries an expected.json: a subset of the detect JSON that
 * must match exactly (platform, verdict and the containerd facts that matter for that platform and its traps).
 */
class DetectFixturesTest {
    static final Path HOSTS = Path.of("src/test/resources/hosts");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(HOSTS)) {
            return s
                    .filter(p -> Files.isRegularFile(p.resolve("expected.json")))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void detectMatchesExpectedJson(String fixture) throws IOException {
        Path root = HOSTS.resolve(fixture);
        CliRun run = CliRun.of("detect", "--host-root", root.toString(), "-o", "json");
        JsonNode actual = JSON.readTree(run.out());
        JsonNode expected = JSON.readTree(root.resolve("expected.json").toFile());

        assertSubset(fixture, "", expected, actual);
        boolean refused = actual.get("verdict").asText().equals("refused");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(refused ? ExitCode.REFUSED : ExitCode.OK);
        assertThat(actual.get("reasons").size())
                .as("every verdict explains itself")
                .isPositive();
        assertThat(actual.get("host_root").asText())
                .isEqualTo(root.toAbsolutePath().normalize().toString());
    }

    static void assertSubset(String fixture, String path, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            assertThat(actual)
                    .as("%s: %s is an object in %s", fixture, path, actual)
                    .isNotNull();
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode a = actual.get(e.getKey());
                assertThat(a).as("%s: missing %s.%s", fixture, path, e.getKey()).isNotNull();
                assertSubset(fixture, path + "." + e.getKey(), e.getValue(), a);
            }
        } else {
            assertThat(actual).as("%s: %s", fixture, path).isEqualTo(expected);
        }
    }
}

package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.speglar.installer.CliRun;
import dev.speglar.installer.ExitCode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k3s/RKE2 registries.yaml, rendered and merged with a user's own, against rancher/wharfie's registry types (vendored
 * as src/test/resources/schemas/k3s/registries-wharfie.json, strict: k3s silently drops keys it does not know).
 */
class K3sRegistriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    static List<String> validate(String yaml) throws Exception {
        Map<String, Object> defs;
        try (InputStream in = K3sRegistriesTest.class.getResourceAsStream("/schemas/k3s/registries-wharfie.json")) {
            defs = (Map<String, Object>) JSON.readValue(in, Map.class).get("$defs");
        }
        List<String> errors = new ArrayList<>();
        TalosSchemaTest.check(defs, (Map<String, Object>) defs.get("Registry"), Rendered.yaml(yaml), "", errors, true);
        return errors;
    }

    @ParameterizedTest
    @ValueSource(strings = {"k3s", "rke2"})
    void renderedRegistriesMatchWharfieTypes(String preset) throws Exception {
        String all = CliRun.of("render", preset, "--file", "registries.yaml").out();
        String some = CliRun.of(
                        "render", preset, "--file", "registries.yaml", "--mirrored-registries", "docker.io,ghcr.io:443")
                .out();

        assertThat(validate(all)).isEmpty();
        assertThat(Rendered.<Map<String, Object>>at(Rendered.yaml(all), "mirrors"))
                .containsOnlyKeys("*");
        assertThat(validate(some)).isEmpty();
        assertThat(Rendered.<Map<String, Object>>at(Rendered.yaml(some), "mirrors"))
                .containsOnlyKeys("docker.io", "ghcr.io:443");
    }

    /** Users' files as k3s's docs show them: every mirror, endpoint, rewrite and config survives the merge. */
    @Test
    void usersMirrorsAndConfigsAreKeptAndSpeglarsAdded() throws Exception {
        String user = """
                # private mirror for Docker Hub
                mirrors:
                  docker.io:
                    endpoint:
                      - "https://mirror.example.com:5000"
                    rewrite:
                      "^rancher/(.*)": "mirrorproject/rancher-images/$1"
                  registry.example.com:
                configs:
                  "mirror.example.com:5000":
                    auth:
                      username: xxx
                      password: yyy
                    tls:
                      ca_file: /etc/ssl/ca.pem
                      insecure_skip_verify: false
                """;

        String all = merged(user);
        String some = merged(user, "--mirrored-registries", "docker.io,ghcr.io");

        assertThat(validate(user)).isEmpty();
        assertThat(validate(all)).isEmpty();
        assertThat(validate(some)).isEmpty();
        Map<String, Object> before = Rendered.yaml(user);
        Map<String, Object> after = Rendered.yaml(all);
        assertThat(Rendered.<Map<String, Object>>at(after, "mirrors"))
                .containsAllEntriesOf(Rendered.at(before, "mirrors"))
                .containsKey("*");
        assertThat(after.get("configs")).isEqualTo(before.get("configs"));
        assertThat(Rendered.<Map<String, Object>>at(Rendered.yaml(some), "mirrors"))
                .containsOnlyKeys("docker.io", "registry.example.com", "ghcr.io")
                .containsEntry("docker.io", Rendered.<Map<String, Object>>at(before, "mirrors", "docker.io"));
    }

    @Test
    void fileThatAlreadyListsEveryRegistryIsLeftByteForByte() throws Exception {
        String star = "# all registries\nmirrors:\n  \"*\":\n";
        String listed = "mirrors:\n  docker.io: {endpoint: [\"https://m.example.com\"]}\n  ghcr.io:\n";

        assertThat(merged(star)).isEqualTo(star);
        assertThat(merged(star, "--mirrored-registries", "docker.io")).isEqualTo(star);
        assertThat(merged(listed, "--mirrored-registries", "ghcr.io,docker.io")).isEqualTo(listed);
        assertThat(validate(merged(""))).isEmpty();
    }

    /** Keys wharfie does not define (typos k3s would silently drop) are refused, and the schema agrees. */
    @Test
    void unknownOrMistypedFieldsAreReported() throws Exception {
        Map<String, String> bad = Map.of(
                "mirrors:\n  docker.io:\n    endpoints: [\"https://m.example.com\"]\n", "mirrors.docker.io.endpoints",
                "mirrors:\n  docker.io:\n    endpoint: https://m.example.com\n", "mirrors.docker.io.endpoint",
                "configs:\n  m.example.com:\n    tls:\n      ca: /ca.pem\n", "configs.m.example.com.tls.ca",
                "mirror:\n  docker.io:\n", "mirror",
                "configs:\n  m.example.com:\n    auth:\n      identitytoken: t\n", "auth.identitytoken");

        for (var e : bad.entrySet()) {
            Path f = Files.writeString(dir.resolve("registries.yaml"), e.getKey());
            var r = CliRun.of("render", "k3s", "--registries-config", f.toString());

            assertThat(r.exitCode()).as(e.getKey()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as(e.getKey()).contains("--registries-config", e.getValue());
            assertThat(validate(e.getKey())).as(e.getKey()).isNotEmpty();
            assertThat(K3sRegistries.problems(Rendered.yaml(e.getKey())))
                    .as(e.getKey())
                    .hasSameSizeAs(validate(e.getKey()));
        }
    }

    /** -o over the user's directory: the old file is kept as registries.yaml.speglar-bak, writes are atomic. */
    @Test
    void writingOverAnExistingFileKeepsABackup() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc-rancher-k3s"));
        String user = "mirrors:\n  docker.io:\n    endpoint: [\"https://m.example.com\"]\n";
        Path existing = Files.writeString(etc.resolve("registries.yaml"), user);

        var r = CliRun.of(
                "render",
                "k3s",
                "--registries-config",
                existing.toString(),
                "--file",
                "registries.yaml",
                "-o",
                etc.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(etc.resolve("registries.yaml.speglar-bak")).hasContent(user);
        assertThat(validate(Files.readString(existing))).isEmpty();
        assertThat(Rendered.<Map<String, Object>>at(Rendered.yaml(Files.readString(existing)), "mirrors"))
                .containsKeys("docker.io", "*");
        try (Stream<Path> files = Files.list(etc)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("registries.yaml", "registries.yaml.speglar-bak");
        }
        // Same content again: nothing to back up, the backup of the user's original stays.
        var again = CliRun.of(
                "render",
                "k3s",
                "--registries-config",
                existing.toString(),
                "--file",
                "registries.yaml",
                "-o",
                etc.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(etc.resolve("registries.yaml.speglar-bak")).hasContent(user);
        assertThat(CliRun.of("render", "talos", "--registries-config", existing.toString())
                        .exitCode())
                .isEqualTo(ExitCode.USAGE);
    }

    private String merged(String user, String... extra) throws Exception {
        Path f = Files.writeString(dir.resolve("user-registries.yaml"), user);
        List<String> args = new ArrayList<>(
                List.of("render", "k3s", "--registries-config", f.toString(), "--file", "registries.yaml"));
        args.addAll(List.of(extra));
        var r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }
}

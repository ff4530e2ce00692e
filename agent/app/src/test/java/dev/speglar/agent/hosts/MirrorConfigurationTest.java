package dev.speglar.agent.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tomlj.Toml;

class MirrorConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void wildcardWithOneTargetIsExactlyThreeLines() throws Exception {
        new MirrorConfiguration(dir).write(List.of(), List.of("http://127.0.0.1:5000"), true, false, null);
        assertThat(Files.readString(dir.resolve("_default/hosts.toml")))
                .isEqualTo(
                        "[host.'http://127.0.0.1:5000']\ncapabilities = ['pull', 'resolve']\ndial_timeout = '200ms'");
    }

    @Test
    void bracketedIpv6TargetsAndRegistriesStayBracketed() throws Exception {
        new MirrorConfiguration(dir)
                .write(
                        List.of("http://[fd00:5a::9]:5000"),
                        List.of("http://[fd00:5a::2]:30020", "http://10.90.0.2:30020"),
                        true,
                        false,
                        null);
        String hosts = Files.readString(dir.resolve("[fd00:5a::9]:5000/hosts.toml"));
        assertThat(hosts)
                .startsWith("server = 'http://[fd00:5a::9]:5000'\n")
                .contains("[host.'http://[fd00:5a::2]:30020']", "[host.'http://10.90.0.2:30020']");
        assertThat(Toml.parse(hosts).hasErrors()).isFalse();
    }

    @Test
    void registriesGetServerLinesTargetsInOrderAndOptionalAuth() throws Exception {
        new MirrorConfiguration(dir)
                .write(
                        List.of("https://docker.io", "http://foo.bar:5000"),
                        List.of("http://fc00:f853:ccd:e793::2:30020", "https://second"),
                        false,
                        false,
                        "hello:world");
        String docker = Files.readString(dir.resolve("docker.io/hosts.toml"));
        assertThat(docker).isEqualTo("""
        server = 'https://registry-1.docker.io'

        [host.'http://[fc00:f853:ccd:e793::2]:30020']
        capabilities = ['pull']
        dial_timeout = '200ms'
        [host.'http://[fc00:f853:ccd:e793::2]:30020'.header]
        Authorization = 'Basic aGVsbG86d29ybGQ='

        [host.'https://second']
        capabilities = ['pull']
        dial_timeout = '200ms'
        [host.'https://second'.header]
        Authorization = 'Basic aGVsbG86d29ybGQ='""");
        assertThat(Files.readString(dir.resolve("foo.bar:5000/hosts.toml")))
                .startsWith("server = 'http://foo.bar:5000'\n");
        assertThat(Toml.parse(docker).hasErrors()).isFalse();
    }

    @Test
    void invalidInputChangesNothing() throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "x");
        MirrorConfiguration c = new MirrorConfiguration(dir);
        assertThatThrownBy(() -> c.write(List.of("ftp://x"), List.of("http://a"), true, false, null))
                .hasMessageContaining("scheme must be http or https");
        assertThatThrownBy(() -> c.write(List.of("_default", "*"), List.of("http://a"), true, false, null))
                .hasMessageContaining("two wildcards");
        assertThatThrownBy(() -> c.write(List.of(), List.of("_default"), true, false, null))
                .hasMessageContaining("wildcard registries are not allowed");
        assertThatThrownBy(() -> c.write(List.of("https://x/path"), List.of("http://a"), true, false, null))
                .hasMessageContaining("path has to be empty");
        assertThatThrownBy(() -> c.write(List.of(), List.of(), true, false, null))
                .hasMessageContaining("mirror target");
        assertThat(list(dir)).containsExactly("keep.txt");
    }

    @Test
    void originalIsBackedUpOnceAndRestoredByCleanupIdempotently() throws Exception {
        Files.createDirectories(dir.resolve("docker.io"));
        Files.writeString(dir.resolve("docker.io/hosts.toml"), "server = 'https://orig'\n");
        Files.writeString(dir.resolve("data.txt"), "data");
        MirrorConfiguration c = new MirrorConfiguration(dir);
        c.write(List.of("https://docker.io"), List.of("http://10.0.0.1:30020"), true, false, null);
        c.write(List.of("https://docker.io"), List.of("http://10.0.0.2:30020"), true, false, null);
        assertThat(list(dir)).containsExactlyInAnyOrder("_backup", "docker.io");
        assertThat(Files.readString(dir.resolve("_backup/docker.io/hosts.toml")))
                .isEqualTo("server = 'https://orig'\n");
        assertThat(Files.readString(dir.resolve("docker.io/hosts.toml"))).contains("10.0.0.2");
        c.cleanup();
        c.cleanup();
        assertThat(list(dir)).containsExactlyInAnyOrder("data.txt", "docker.io");
        assertThat(Files.readString(dir.resolve("docker.io/hosts.toml"))).isEqualTo("server = 'https://orig'\n");
    }

    @Test
    void prependExistingKeepsOldHostsAfterOursAndCopiesTheirFiles() throws Exception {
        Path old = Files.createDirectories(dir.resolve("docker.io"));
        Files.writeString(old.resolve("hosts.toml"), """
        server = "https://registry-1.docker.io"
        [host."https://mirror-bak.registry/us".header]
          X-Token = "abc"
        [host."https://mirror-bak.registry/us"]
          skip_verify = true
          capabilities = ["pull"]
          ca = ["/etc/certs/a.pem", "/etc/certs/b.pem"]
        [host."http://second.local"]
          override_path = true
        """);
        Files.writeString(old.resolve("ca.pem"), "PEM");
        new MirrorConfiguration(dir)
                .write(List.of("https://docker.io"), List.of("http://127.0.0.1:5000"), true, true, null);
        String merged = Files.readString(dir.resolve("docker.io/hosts.toml"));
        assertThat(merged).isEqualTo("""
        server = 'https://registry-1.docker.io'

        [host.'http://127.0.0.1:5000']
        capabilities = ['pull', 'resolve']
        dial_timeout = '200ms'

        [host.'https://mirror-bak.registry/us']
        ca = ['/etc/certs/a.pem', '/etc/certs/b.pem']
        capabilities = ['pull']
        skip_verify = true
        [host.'https://mirror-bak.registry/us'.header]
        X-Token = 'abc'

        [host.'http://second.local']
        override_path = true""");
        assertThat(Files.readString(dir.resolve("docker.io/ca.pem"))).isEqualTo("PEM");
        assertThat(Toml.parse(merged).hasErrors()).isFalse();
    }

    private static List<String> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}

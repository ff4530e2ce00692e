package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateRegistriesTest {
    @TempDir
    Path certs;

    @Test
    void credentialsForTheRegistryMakeItPrivateButTheAgentsOwnMirrorAuthDoesNot() throws Exception {
        write("registry.internal", """
        server = "https://registry.internal"
        [host."https://registry.internal".header]
          Authorization = "Basic eDp5"
        """);
        write("docker.io", """
        server = "https://registry-1.docker.io"
        [host."http://127.0.0.1:30020"]
          capabilities = ["pull", "resolve"]
          [host."http://127.0.0.1:30020".header]
            Authorization = "Basic bWlycm9yOm1pcnJvcg=="
        """);
        write("ghcr.io", """
        server = "https://ghcr.io"
        [header]
          authorization = "Bearer t"
        """);
        write("quay.io", "server = \"https://quay.io\"\n");
        assertThat(PrivateRegistries.scan(certs, 30020)).containsExactlyInAnyOrder("registry.internal", "ghcr.io");
        assertThat(PrivateRegistries.scan(certs.resolve("missing"), 30020)).isEmpty();
        assertThat(PrivateRegistries.hasCredentials(
                        List.of("[host.\"http://10.0.0.1:5000\".header]", "Authorization = \"Basic x\""), 30020))
                .isTrue();
        // The same lines give fresh-tag lookups the header containerd would send; never the agent's own.
        assertThat(PrivateRegistries.authorization(certs, "registry.internal", 30020))
                .hasValue("Basic eDp5");
        assertThat(PrivateRegistries.authorization(certs, "ghcr.io", 30020)).hasValue("Bearer t");
        assertThat(PrivateRegistries.authorization(certs, "docker.io", 30020)).isEmpty();
        assertThat(PrivateRegistries.authorization(certs, "quay.io", 30020)).isEmpty();
        assertThat(PrivateRegistries.authorization(null, "quay.io", 30020)).isEmpty();
    }

    private void write(String registry, String toml) throws Exception {
        Files.createDirectories(certs.resolve(registry));
        Files.writeString(certs.resolve(registry).resolve("hosts.toml"), toml);
    }
}

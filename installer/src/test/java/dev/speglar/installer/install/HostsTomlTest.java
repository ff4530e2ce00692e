package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Same layout and bytes as the agent's configuration writer (upstream Spegel, pkg/oci/containerd/mirror.go). */
class HostsTomlTest {

    @Test
    void wildcardWithOneTargetIsExactlyThreeLines() {
        assertThat(HostsToml.render(List.of(), List.of(URI.create("http://127.0.0.1:5000")), true))
                .containsExactly(java.util.Map.entry("_default/hosts.toml",
                        "[host.'http://127.0.0.1:5000']\ncapabilities = ['pull', 'resolve']"));
    }

    @Test
    void perRegistryFilesCarryServerAndDockerHubIsRewritten() {
        var files = HostsToml.render(List.of("https://docker.io", "http://foo.bar:5000"),
                List.of(URI.create("http://10.0.0.5:30020"), URI.create("http://10.0.0.6:30020")), false);
        assertThat(files.get("docker.io/hosts.toml")).isEqualTo("""
                server = 'https://registry-1.docker.io'

                [host.'http://10.0.0.5:30020']
                capabilities = ['pull']

                [host.'http://10.0.0.6:30020']
                capabilities = ['pull']""");
        assertThat(files.get("foo.bar:5000/hosts.toml")).startsWith("server = 'http://foo.bar:5000'\n\n");
    }

    @Test
    void rejectsBadUrlsAndTwoWildcards() {
        List<URI> ok = List.of(URI.create("http://127.0.0.1:5000"));
        assertThatThrownBy(() -> HostsToml.render(List.of(), List.of(URI.create("ftp://x")), true)).hasMessageContaining("scheme");
        assertThatThrownBy(() -> HostsToml.render(List.of(), List.of(URI.create("http://x/path")), true)).hasMessageContaining("path");
        assertThatThrownBy(() -> HostsToml.render(List.of("_default", "*"), ok, true)).hasMessageContaining("two wildcards");
        assertThatThrownBy(() -> HostsToml.render(List.of(), List.of(), true)).hasMessageContaining("at least one");
    }
}

package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.agent.hosts.MirrorConfiguration;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installer writes the same hosts.toml bytes as the agent's {@code configuration} command (upstream's format). */
class HostsTomlTest {

    @TempDir
    Path dir;

    @Test
    void installerAndAgentWriteIdenticalBytes() throws Exception {
        List<String> registries = List.of("https://docker.io", "http://foo.bar:5000", "https://ghcr.io");
        List<String> targets = List.of("http://10.0.0.5:30020", "http://10.0.0.6:30020");
        for (boolean resolveTags : new boolean[] {true, false}) {
            for (List<String> regs : List.of(registries, List.<String>of())) {
                Path agentDir = Files.createTempDirectory(dir, "agent");
                new MirrorConfiguration(agentDir).write(regs, targets, resolveTags, false, null);
                var mirror = new NodeInstaller.Mirror(
                        regs, targets.stream().map(URI::create).toList(), resolveTags);
                Map<String, String> installer = NodeInstaller.hostsFiles(mirror);
                assertThat(installer).isNotEmpty();
                Map<String, byte[]> agent = filesUnder(agentDir);
                assertThat(agent.keySet()).containsExactlyElementsOf(installer.keySet());
                installer.forEach((path, content) -> assertThat(agent.get(path))
                        .as(path)
                        .isEqualTo(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void everyMirrorGetsUpstreamsDialTimeout() {
        var mirror = new NodeInstaller.Mirror(
                List.of("https://docker.io"),
                List.of(URI.create("http://10.0.0.5:30020"), URI.create("http://10.0.0.6:30020")),
                false);
        assertThat(NodeInstaller.hostsFiles(mirror).get("docker.io/hosts.toml")).isEqualTo("""
                server = 'https://registry-1.docker.io'

                [host.'http://10.0.0.5:30020']
                capabilities = ['pull']
                dial_timeout = '200ms'

                [host.'http://10.0.0.6:30020']
                capabilities = ['pull']
                dial_timeout = '200ms'""");
    }

    @Test
    void rejectsBadUrlsAndTwoWildcards() {
        List<URI> ok = List.of(URI.create("http://127.0.0.1:5000"));
        assertThatThrownBy(() -> NodeInstaller.hostsFiles(
                        new NodeInstaller.Mirror(List.of(), List.of(URI.create("ftp://x")), true)))
                .hasMessageContaining("scheme");
        assertThatThrownBy(() -> NodeInstaller.hostsFiles(
                        new NodeInstaller.Mirror(List.of(), List.of(URI.create("http://x/path")), true)))
                .hasMessageContaining("path");
        assertThatThrownBy(() -> NodeInstaller.hostsFiles(new NodeInstaller.Mirror(List.of("_default", "*"), ok, true)))
                .hasMessageContaining("two wildcards");
        assertThatThrownBy(() -> NodeInstaller.hostsFiles(new NodeInstaller.Mirror(List.of(), List.of(), true)))
                .hasMessageContaining("at least one");
    }

    private static Map<String, byte[]> filesUnder(Path root) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString();
                if (!rel.startsWith("_backup")) out.put(rel, Files.readAllBytes(p));
            }
        }
        return out;
    }
}

package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.detect.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    @TempDir
    Path root;

    @Test
    void keepsTheFirstOriginalAcrossRunsAndDiscardLeavesNoTrace() throws Exception {
        HostRoot host = new HostRoot(root);
        Manifest m = Manifest.load(host);
        assertThat(m.exists()).isFalse();
        m.recordFile("/etc/containerd/config.toml", "original".getBytes(), FileChange.Kind.CONTAINERD_CONFIG);
        m.recordFile("/etc/containerd/certs.d/_default/hosts.toml", null, FileChange.Kind.HOSTS_TOML);
        m.recordDir("/etc/containerd/certs.d");

        Manifest again = Manifest.load(host);
        again.recordFile(
                "/etc/containerd/config.toml", "second install's view".getBytes(), FileChange.Kind.CONTAINERD_CONFIG);
        Manifest.Entry cfg = again.find("file", "/etc/containerd/config.toml").orElseThrow();
        assertThat(again.backup(cfg)).isEqualTo("original".getBytes());
        assertThat(cfg.kind()).isEqualTo("CONTAINERD_CONFIG");
        assertThat(again.backup(again.find("file", "/etc/containerd/certs.d/_default/hosts.toml")
                        .orElseThrow()))
                .isNull();
        assertThat(again.entries()).extracting(Manifest.Entry::target).contains("/var", "/var/lib", "/var/lib/speglar");

        Files.createDirectories(root.resolve("etc/containerd/certs.d"));
        again.discard();
        try (var s = Files.walk(root)) {
            assertThat(s.map(p -> root.relativize(p).toString()).toList())
                    .containsExactlyInAnyOrder("", "etc", "etc/containerd");
        }
    }
}

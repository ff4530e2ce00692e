package dev.speglar.installer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostRootTest {

    @TempDir
    Path dir;

    @Test
    void mapsNodePathsBothWays() {
        HostRoot r = new HostRoot(dir);
        assertThat(r.resolve("/etc/containerd/config.toml")).isEqualTo(dir.resolve("etc/containerd/config.toml"));
        assertThat(r.resolve(dir.resolve("x").toString())).isEqualTo(dir.resolve("x"));
        assertThat(r.nodePath(dir.resolve("etc/x"))).isEqualTo("/etc/x");
        assertThat(HostRoot.of("/").resolve("/etc/x")).isEqualTo(Path.of("/etc/x"));
        assertThat(HostRoot.of("/").isSystemRoot()).isTrue();
    }

    @Test
    void absoluteSymlinksResolveInsideTheRootAndDotDotStopsAtIt() throws Exception {
        Files.createDirectories(dir.resolve("opt/containerd"));
        Files.writeString(dir.resolve("opt/containerd/config.toml"), "version = 2\n");
        Files.createDirectories(dir.resolve("etc"));
        Files.createSymbolicLink(dir.resolve("etc/containerd"), Path.of("/opt/containerd"));
        HostRoot r = new HostRoot(dir);
        assertThat(r.resolve("/etc/containerd/config.toml")).isEqualTo(dir.resolve("opt/containerd/config.toml"));
        assertThat(r.read("/etc/containerd/config.toml")).contains("version = 2\n");
        assertThat(r.resolve("/../../etc/passwd")).isEqualTo(dir.resolve("etc/passwd"));
    }
}

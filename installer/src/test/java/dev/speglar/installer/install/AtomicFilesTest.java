package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir Path dir;

    @Test
    void replacesContentKeepsModeAndLeavesNoTempFile() throws Exception {
        Path f = dir.resolve("config.toml");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(f, "new".getBytes(), "rw-r--r--");
        assertThat(f).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(f);
        }
    }

    @Test
    void createsParentsWithDefaultModeAndDeletes() throws Exception {
        Path f = dir.resolve("a/b/hosts.toml");
        AtomicFiles.write(f, "x".getBytes(), "rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
        AtomicFiles.delete(f);
        assertThat(f).doesNotExist();
    }

    @Test
    void hostRootMapsNodePathsBothWays() {
        HostRoot r = new HostRoot(dir);
        assertThat(r.resolve("/etc/containerd/config.toml")).isEqualTo(dir.resolve("etc/containerd/config.toml"));
        assertThat(r.resolve(dir.resolve("x").toString())).isEqualTo(dir.resolve("x"));
        assertThat(r.nodePath(dir.resolve("etc/x"))).isEqualTo("/etc/x");
        assertThat(HostRoot.of("/").resolve("/etc/x")).isEqualTo(Path.of("/etc/x"));
    }
}

package dev.speglar.common.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesContentKeepsModeAndLeavesNoTempFile() throws Exception {
        Path f = dir.resolve("config.toml");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(f, "new".getBytes(), "rw-r--r--");
        assertThat(f).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-------");
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(f);
        }
    }

    @Test
    void createsParentsWithDefaultModeAndDeletes() throws Exception {
        Path f = dir.resolve("a/b/hosts.toml");
        AtomicFiles.write(f, "x".getBytes(), "rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-r-----");
        AtomicFiles.delete(f);
        assertThat(f).doesNotExist();
    }

    @Test
    void writesUtf8TextWithConfigModeAndDeletesTreesWithoutFollowingLinks() throws Exception {
        Path f = dir.resolve("docker.io/hosts.toml");
        AtomicFiles.write(f, "server = 'é'");
        assertThat(Files.readAllBytes(f)).isEqualTo("server = 'é'".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-r--r--");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "k");
        Files.createSymbolicLink(dir.resolve("docker.io/link"), outside);
        AtomicFiles.deleteTree(dir.resolve("docker.io"));
        assertThat(dir.resolve("docker.io")).doesNotExist();
        assertThat(outside.resolve("keep")).hasContent("k");
    }

    @Test
    void givesTheNewFileTheRequestedModificationTime() throws Exception {
        Path f = dir.resolve("lib/agent.jar");
        java.nio.file.attribute.FileTime t = java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L);
        AtomicFiles.write(f, "PK".getBytes(), "rw-r--r--", t);
        assertThat(Files.getLastModifiedTime(f)).isEqualTo(t);
        AtomicFiles.write(f, "PK2".getBytes(), "rw-r--r--", null);
        assertThat(Files.getLastModifiedTime(f)).isNotEqualTo(t);
    }
}

package dev.speglar.installer.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.installer.containerd.ContainerdVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsers and the host-root sandbox. */
class DetectUnitsTest {

    @TempDir
    Path root;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7193e4e490e9fbdc236c0e811ccaba3376 | 2.1.4",
                "containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da | 1.7.27",
                "containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3 | 1.6.20",
                "v2.0.5-k3s1 | 2.0.5",
                "1:1.7.24~ds1-1 | 1.7.24",
                "2.2 | 2.2.0",
            })
    void versionForms(String text, String expected) {
        assertThat(ContainerdVersion.find(text))
                .map(ContainerdVersion::toString)
                .contains(expected);
    }

    @Test
    void versionGarbageIsEmptyAndSchemaLimitsFollowReleases() {
        assertThat(ContainerdVersion.find("not a version")).isEmpty();
        assertThat(ContainerdVersion.of(1, 7, 27).maxConfigSchema()).isEqualTo(2);
        assertThat(ContainerdVersion.of(2, 1, 4).maxConfigSchema()).isEqualTo(3);
        assertThat(ContainerdVersion.of(2, 3, 0).maxConfigSchema()).isEqualTo(4);
    }

    @Test
    void absoluteSymlinksStayInsideTheHostRoot() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/real-os-release"), "ID=debian\n");
        // On the host this link points at /etc/real-os-release; it must not escape to the installer's own /etc.
        Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("/etc/real-os-release"));
        Files.createSymbolicLink(root.resolve("etc/escape"), Path.of("../../../../../../etc/hostname"));
        HostRoot host = new HostRoot(root);

        assertThat(host.read("/etc/os-release")).contains("ID=debian\n");
        assertThat(host.resolve("/etc/escape")).startsWithRaw(root).isEqualTo(root.resolve("etc/hostname"));
        assertThat(host.resolve("/../../etc/passwd")).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void symlinkLoopsTerminate() throws Exception {
        Files.createSymbolicLink(root.resolve("a"), Path.of("/b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));
        HostRoot host = new HostRoot(root);

        assertThat(host.read("/a/x")).isEmpty();
    }

    @Test
    void oversizedFileIsAnErrorNotAnAllocation() throws Exception {
        Files.createDirectories(root.resolve("etc/containerd"));
        Files.write(root.resolve("etc/containerd/config.toml"), new byte[HostRoot.MAX_READ_BYTES + 1]);
        Files.createDirectories(root.resolve("run/containerd"));
        Files.writeString(root.resolve("run/containerd/containerd.sock"), "");

        Detection d = new Detector(new HostRoot(root)).detect();

        assertThat(d.containerd().problems()).singleElement().asString().contains("unreadable", "larger than");
        assertThat(d.verdict()).isEqualTo(Verdict.PATCH_NEEDED);
    }

    @Test
    void brokenTomlIsReportedNotThrown() throws Exception {
        Files.createDirectories(root.resolve("etc/containerd"));
        Files.writeString(root.resolve("etc/containerd/config.toml"), "version = 2\n[plugins.\"unclosed\n");

        Detection d = new Detector(new HostRoot(root)).detect();

        assertThat(d.platform()).isEqualTo(Platform.GENERIC);
        assertThat(d.verdict()).isEqualTo(Verdict.PATCH_NEEDED);
        assertThat(d.reasons()).anyMatch(r -> r.contains("TOML error"));
    }

    @Test
    void configVersionNewerThanTheBinaryIsAGap() throws Exception {
        Files.createDirectories(root.resolve("etc/containerd"));
        Files.writeString(
                root.resolve("etc/containerd/config.toml"),
                "version = 3\n"
                        + "[plugins.\"io.containerd.cri.v1.images\".registry]\nconfig_path = \"/etc/containerd/certs.d\"\n");

        Detection d = new Detector(new HostRoot(root), Optional.of(ContainerdVersion.of(1, 7, 27))).detect();

        assertThat(d.verdict()).isEqualTo(Verdict.PATCH_NEEDED);
        assertThat(d.reasons()).anyMatch(r -> r.contains("config version 3 is newer than containerd 1.7.27"));
    }

    @Test
    void apkDatabaseGivesTheVersion() {
        String db = "P:musl\nV:1.2.5-r0\n\nP:containerd\nV:1.7.22-r1\nA:x86_64\n";
        assertThat(ContainerdLocator.apkVersion(db)).contains("1.7.22-r1");
        assertThat(ContainerdLocator.dpkgVersion(
                        "Package: containerd\nStatus: deinstall ok config-files\n" + "Version: 1.6.20\n"))
                .isEmpty();
    }

    @Test
    void osReleaseQuotes() {
        OsRelease os = OsRelease.parse("# c\nNAME=\"Amazon Linux\"\nID='amzn'\nVERSION_ID=\"2023\"\nbad line\n");
        assertThat(os.id()).isEqualTo("amzn");
        assertThat(os.versionId()).isEqualTo("2023");
    }

    @Test
    void versionOverrideBeatsFiles() throws Exception {
        Files.createDirectories(root.resolve("etc/containerd"));
        Files.writeString(root.resolve("etc/containerd/config.toml"), "version = 2\n");

        Detection d = new Detector(new HostRoot(root), Optional.of(ContainerdVersion.of(2, 2, 0))).detect();

        assertThat(d.containerd().version()).contains(ContainerdVersion.of(2, 2, 0));
        assertThat(d.containerd().versionSource()).isEqualTo("--containerd-version");
        assertThat(d.containerd().effectiveConfigPath()).contains("/etc/containerd/certs.d:/etc/docker/certs.d");
    }

    @Test
    void platformNamesRoundTrip() {
        for (Platform p : Platform.values()) {
            assertThat(Platform.fromJsonName(p.jsonName())).isEqualTo(p);
        }
        assertThatThrownBy(() -> Platform.fromJsonName("openshift")).hasMessageContaining("eks-al2023");
    }
}

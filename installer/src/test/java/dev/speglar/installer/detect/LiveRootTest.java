package dev.speglar.installer.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.speglar.installer.containerd.ContainerdVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** On the live root the version comes from running the real containerd binary (Debian package containerd). */
@Tag("real")
class LiveRootTest {

    @Test
    void versionComesFromTheRealBinary() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/containerd"))) {
            fail("/usr/bin/containerd missing: install the Debian package 'containerd' (scripts/install-test-deps.sh)");
        }
        Path out = Files.createTempFile("containerd-version", ".txt");
        Process p = new ProcessBuilder("/usr/bin/containerd", "--version")
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        ContainerdVersion expected =
                ContainerdVersion.find(Files.readString(out)).orElseThrow();
        Files.delete(out);

        Detection d = new Detector(new HostRoot(Path.of("/"))).detect();

        assertThat(d.containerd().present()).isTrue();
        assertThat(d.containerd().version()).contains(expected);
        assertThat(d.containerd().versionSource()).isEqualTo("/usr/bin/containerd --version");
    }
}

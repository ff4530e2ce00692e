package dev.speglar.installer.install.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code speglar plan} on the detection fixtures (real platform file layouts), judged by the real containerd binary. */
@Tag("real")
class FixturePlanTest {

    @TempDir
    Path root;

    private record Run(int code, String out, String err) {}

    private Run plan(String fixture, String containerdVersion) throws IOException {
        Path src = Path.of("src/test/resources/hosts", fixture);
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : walk.toList()) {
                Path dst = root.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(dst);
                else Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<String> args = new ArrayList<>(
                List.of("plan", "--host-root", root.toString(), "--mode", "none", "--node-ip", "10.0.0.5"));
        if (containerdVersion != null) args.addAll(List.of("--containerd-version", containerdVersion));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void eksAl2GetsAFullCriTableDropInKeepingThePauseImageAndSystemdCgroup() throws Exception {
        Run r = plan("eks-al2", "1.6.20");
        assertThat(r.code()).as(r.err()).isZero();
        String compact = r.out().replaceAll("\\+ +", "+ ");
        assertThat(compact)
                .contains(
                        "+ sandbox_image = \"602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/pause:3.5\"",
                        "+ SystemdCgroup = true",
                        "+ config_path = \"/etc/containerd/certs.d\"",
                        "+ discard_unpacked_layers = false");
        assertThat(r.out())
                .contains(
                        "platform: eks-al2",
                        "strategy: drop-in",
                        "create /etc/containerd/config.d/99-speglar.toml",
                        "discard_unpacked_layers: true -> false",
                        "config_path: \"/etc/containerd/certs.d:/etc/docker/certs.d\" -> \"/etc/containerd/certs.d\"")
                .doesNotContain("modify /etc/containerd/config.toml");
    }

    @Test
    void readyGenericDebianNeedsOnlyHostsTomlAndNoRestart() throws Exception {
        Run r = plan("generic-debian-1.6", "1.6.20");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "platform: generic (ready)",
                        "strategy: in-place",
                        "create /etc/containerd/certs.d/_default/hosts.toml",
                        "containerd restart: not required")
                .doesNotContain("/etc/containerd/config.toml");
    }

    @Test
    void al2023IsNotEditedOnNode() throws Exception {
        Run r = plan("eks-al2023", "1.6.20");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("nothing was changed", "imports no", "speglar render");
    }

    @Test
    void k3sAndGkeAreRefusedWithTheirReasons() throws Exception {
        Run k3s = plan("k3s", "1.6.20");
        assertThat(k3s.code()).isEqualTo(1);
        assertThat(k3s.err()).contains("embeds a P2P mirror");
    }

    @Test
    void gkeIsRefusedWithExitCode3() throws Exception {
        Run gke = plan("gke", "1.6.20");
        assertThat(gke.code()).isEqualTo(3);
        assertThat(gke.err()).contains("GKE");
    }
}

package dev.speglar.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Command-line behaviour: help everywhere, completion, exit codes, refusals and actionable errors. */
class CliTest {
    static final Path HOSTS = Path.of("src/test/resources/hosts");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "detect", "render", "completion"})
    void everyCommandHasHelp(String command) {
        CliRun run = command.isEmpty() ? CliRun.of("--help") : CliRun.of(command, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: speglar" + (command.isEmpty() ? "" : " " + command));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void topLevelHelpListsSubcommandsAndExitCodes() {
        String out = CliRun.of("--help").out();
        assertThat(out).contains("detect", "render", "completion", "Exit codes:", "platform refused");
    }

    @Test
    void completionScriptCoversCommandsOptionsAndPresets() {
        CliRun run = CliRun.of("completion");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("complete -F", "detect", "render", "--host-root", "--allow-unsupported-platform")
                .contains("eks-al2023")
                .contains("daemonset");
    }

    @Test
    void unknownOptionIsAUsageErrorPointingAtHelp() {
        CliRun run = CliRun.of("detect", "--hostroot", "/");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--hostroot").contains("speglar detect --help");
    }

    @ParameterizedTest
    @CsvSource({
        "kind, --talos-version=v1.13.4, --talos-version only applies to the talos preset",
        "daemonset, --kind-name=x, --kind-name only applies to the kind preset",
        "kind, --eks-bootstrap-args=my-cluster, --eks-bootstrap-args only applies to the eks-al2 preset",
        "systemd, --mirror-endpoint=http://127.0.0.1:30020, --mirror-endpoint only applies to the bottlerocket",
        "daemonset, --mirrored-registries=docker.io, --mirrored-registries only applies to the k3s and rke2 presets",
        "talos, --node-ip=10.0.0.5, --node-ip only applies to the systemd preset",
        "eks-al2023, --agent-path=/opt/a, --agent-path only applies to the systemd preset",
        "kind, --bootstrap-args=--bootstrap-kind=dns, --bootstrap-args only applies to the systemd preset"
    })
    void renderRefusesAnOptionOfAnotherPreset(String preset, String option, String message) {
        CliRun run = CliRun.of("render", preset, option);
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(message);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void renderInputThatIsADirectoryIsAUsageErrorNamingIt(@TempDir Path dir) {
        CliRun run = CliRun.of("render", "kind", "--kind-config", dir.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(dir + " is a directory");
    }

    @Test
    void badOutputFormatListsTheValidOnes() {
        CliRun run = CliRun.of("detect", "-o", "yaml");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("text").contains("json");
    }

    @Test
    void enumOptionsNameTheValidValues() {
        CliRun mode = CliRun.of("plan", "--mode", "docker");
        assertThat(mode.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(mode.err()).contains("--mode", "systemd, daemonset or none");
        CliRun strategy = CliRun.of("plan", "--config-strategy", "rewrite");
        assertThat(strategy.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(strategy.err()).contains("--config-strategy", "auto, in-place or drop-in");
    }

    @Test
    void missingHostRootSaysWhatToDo() {
        CliRun run = CliRun.of("detect", "--host-root", dir.resolve("absent").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("absent").contains("--host-root");
    }

    @Test
    void gkeIsRefusedWithEvidenceAndReason() {
        CliRun run = CliRun.of("detect", "--host-root", HOSTS.resolve("gke").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err())
                .contains(
                        "GKE detected",
                        "/home/kubernetes/bin",
                        "ID=cos",
                        "config_path",
                        "inline mirrors",
                        "--allow-unsupported-platform=gke");
        assertThat(run.out()).contains("verdict:  refused");
    }

    @Test
    void digitalOceanIsRefusedNamingDmiAndProviderId() {
        CliRun run =
                CliRun.of("detect", "--host-root", HOSTS.resolve("digitalocean").toString(), "-o", "json");

        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err())
                .contains(
                        "DigitalOcean Kubernetes detected",
                        "DigitalOcean Droplet",
                        "digitalocean://412345678",
                        "config_path");
    }

    @Test
    void overrideOnlyForTheNamedPlatform() {
        String gke = HOSTS.resolve("gke").toString();

        assertThat(CliRun.of("detect", "--host-root", gke, "--allow-unsupported-platform=gke")
                        .exitCode())
                .isZero();
        assertThat(CliRun.of("detect", "--host-root", gke, "--allow-unsupported-platform")
                        .exitCode())
                .isZero();
        assertThat(CliRun.of("detect", "--host-root", gke, "--allow-unsupported-platform=digitalocean")
                        .exitCode())
                .isEqualTo(ExitCode.REFUSED);
    }

    @Test
    void dockerOnlyNodeIsRefused() {
        CliRun run =
                CliRun.of("detect", "--host-root", HOSTS.resolve("docker-only").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("Docker-only node", "/var/run/docker.sock");
    }

    @Test
    void k3sAndRke2GetNativeMirrorAdviceWithTheirCurrentState() {
        CliRun k3s = CliRun.of("detect", "--host-root", HOSTS.resolve("k3s").toString());
        CliRun rke2 = CliRun.of("detect", "--host-root", HOSTS.resolve("rke2").toString());

        assertThat(k3s.out())
                .contains(
                        "verdict:  native-mirror",
                        "embedded mirror on this node: enabled",
                        "listed in registries.yaml",
                        "speglar render k3s",
                        "TCP 5001");
        assertThat(rke2.out())
                .contains(
                        "verdict:  native-mirror",
                        "not enabled here",
                        "not listed",
                        "/etc/rancher/rke2/registries.yaml");
    }

    @Test
    void textReportShowsEvidenceTrustAndIgnoredSignals() {
        CliRun run =
                CliRun.of("detect", "--host-root", HOSTS.resolve("kind-on-ec2").toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains(
                        "platform: kind",
                        "[high] kind <- /kind",
                        "Amazon EC2 (cloud: aws) (not counted: inside a container DMI shows the host's hardware)",
                        "discard_unpacked_layers: true",
                        "speglar render kind");
    }

    @Test
    void unknownPresetListsValidOnes() {
        CliRun run = CliRun.of("render", "gke");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("unknown preset 'gke'").contains("eks-al2023", "daemonset");
    }

    @Test
    void invalidOptionValuesAreRejectedBeforeRendering() {
        CliRun path = CliRun.of("render", "eks-al2", "--config-path", "relative/dir");
        CliRun port = CliRun.of("render", "daemonset", "--node-port", "80");
        CliRun talos = CliRun.of("render", "talos", "--talos-version", "2.0");
        CliRun quote = CliRun.of("render", "eks-al2", "--eks-bootstrap-args", "x'; rm -rf /; '");

        assertThat(path.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(path.err()).contains("--config-path", "absolute path");
        assertThat(port.err()).contains("30000-32767");
        assertThat(talos.err()).contains("--talos-version");
        assertThat(quote.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(path.out() + port.out() + talos.out() + quote.out()).isEmpty();
    }

    @Test
    void renderToDirectoryWritesEveryFileAndListsThem() throws Exception {
        Path out = dir.resolve("talos");
        CliRun run = CliRun.of("render", "talos", "-o", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines())
                .containsExactly(
                        out.resolve("talos-patch.yaml").toString(),
                        out.resolve("namespace.yaml").toString(),
                        out.resolve("speglar.yaml").toString());
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("talos-patch.yaml", "namespace.yaml", "speglar.yaml");
        }
    }

    @Test
    void fileOptionPrintsOneFileVerbatim() throws Exception {
        CliRun run = CliRun.of("render", "eks-al2023", "--file", "user-data.mime");
        CliRun bad = CliRun.of("render", "eks-al2023", "--file", "nope.yaml");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("MIME-Version: 1.0\n").doesNotContain("# ----");
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("user-data.mime", "50-speglar.yaml");
    }

    @Test
    void renderToUnwritableDirectoryFailsWithAdvice() throws Exception {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");

        CliRun run = CliRun.of("render", "kind", "-o", file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("cannot write").contains("-o DIR");
    }
}

package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.CliRun;
import dev.speglar.installer.ExitCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EKS user data that installs the speglar .rpm from a URL and runs the installer, beside the containerd patches. */
class PackageUserDataTest {
    static final String URL = "https://artifacts.example.com/speglar/speglar-0.1.0-1.x86_64.rpm?sig=a%2Bb";
    static final String ARGS =
            "--agent-arg=--bootstrap-kind=dns --agent-arg=--dns-bootstrap-domain=speglar.example.com";

    @ParameterizedTest
    @ValueSource(strings = {"eks-al2", "eks-al2023"})
    void userDataInstallsThePackageAndRunsTheInstallerNextToThePreBootPatches(String preset) throws Exception {
        CliRun run =
                CliRun.of("render", preset, "--file", "user-data.mime", "--package-url", URL, "--install-args", ARGS);

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Mime.Part> parts = Mime.parse(run.out()).parts();
        assertThat(parts).hasSize(2);
        // First part: today's pre-boot patch, unchanged.
        assertThat(parts.getFirst().body())
                .contains("discard_unpacked_layers = false")
                .contains("config_path");
        // Second part: download the package, install it with rpm, then the installer in systemd mode.
        assertThat(parts.get(1).contentType()).isEqualTo("text/x-shellscript");
        String script = parts.get(1).body();
        assertThat(script)
                .startsWith("#!/bin/bash\n")
                .contains("PACKAGE_URL='" + URL + "'")
                .contains("INSTALL_ARGS='" + ARGS + "'")
                .contains("curl -fsSL --retry 5 --retry-delay 2 -o /var/tmp/speglar.rpm \"$PACKAGE_URL\"")
                .contains("rpm -Uvh --replacepkgs /var/tmp/speglar.rpm")
                .contains("[ -S /run/containerd/containerd.sock ]")
                .contains("exec /usr/bin/speglar install --yes --mode systemd '\"$INSTALL_ARGS\"")
                .doesNotContain("${SPEGLAR_");
        assertThat(script.indexOf("rpm -Uvh")).isLessThan(script.indexOf("speglar install"));
    }

    @Test
    void withoutAPackageUrlThePartIsANoOp() {
        CliRun run = CliRun.of("render", "eks-al2023", "--file", "user-data.mime");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("PACKAGE_URL=''").contains("if [ -n \"$PACKAGE_URL\" ]; then");
    }

    @Test
    void aPackageWithoutTheAgentsBootstrapIsRefused() {
        CliRun run = CliRun.of("render", "eks-al2", "--package-url", URL);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--install-args").contains("--bootstrap-kind");
    }

    @Test
    void urlsThatWouldBreakTheScriptAreRefused() {
        CliRun run = CliRun.of(
                "render", "eks-al2023", "--package-url", "https://x.example/a.rpm';reboot;'", "--install-args", ARGS);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--package-url");
        assertThat(CliRun.of("render", "eks-al2023", "--package-url", "file:///tmp/a.rpm", "--install-args", ARGS)
                        .exitCode())
                .isEqualTo(ExitCode.USAGE);
    }

    @Test
    void onlyTheEksPresetsTakeAPackage() {
        CliRun run = CliRun.of("render", "kind", "--package-url", URL, "--install-args", ARGS);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("only apply to eks-al2 and eks-al2023");
    }
}

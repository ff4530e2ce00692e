package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.CliRun;
import dev.speglar.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rendered agent unit passes {@code systemd-analyze verify} (which also checks ExecStart and Requires=). */
@Tag("real")
class SystemdUnitTest {

    @TempDir
    Path dir;

    @Test
    void renderedUnitVerifiesClean() throws Exception {
        Path agent = dir.resolve("speglar-agent");
        Files.writeString(agent, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = dir.resolve("out");

        CliRun run = CliRun.of(
                "render", "systemd", "--agent-path", agent.toString(), "--node-ip", "10.1.2.3", "-o", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(out.resolve("agent.env"))).contains("NODE_IP=10.1.2.3\n");
        String unit = Files.readString(out.resolve("speglar-agent.service"));
        assertThat(unit).contains("ExecStart=" + agent + " registry ").contains("Requires=containerd.service");

        Path log = dir.resolve("verify.log");
        Process p = new ProcessBuilder(
                        systemdAnalyze(),
                        "verify",
                        out.resolve("speglar-agent.service").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).as("no warnings").isBlank();
    }

    @Test
    void verifyCatchesAMissingAgentBinary() throws Exception {
        Path out = dir.resolve("out");
        CliRun run = CliRun.of(
                "render", "systemd", "--agent-path", dir.resolve("nothere").toString(), "-o", out.toString());
        assertThat(run.exitCode()).isZero();

        Path log = dir.resolve("verify.log");
        Process p = new ProcessBuilder(
                        systemdAnalyze(),
                        "verify",
                        out.resolve("speglar-agent.service").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).contains("nothere");
    }

    private static String systemdAnalyze() {
        return Tools.require("systemd-analyze").toString();
    }
}

package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.installer.containerd.Exec;
import dev.speglar.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installed unit must pass the real {@code systemd-analyze verify}. */
@Tag("real")
class SystemdUnitTest {

    @TempDir
    Path dir;

    static String systemdAnalyze() {
        return Tools.require("systemd-analyze").toString();
    }

    private Exec.Result verify(String unitText) throws Exception {
        Path unit = Files.writeString(dir.resolve(SystemdUnit.NAME), unitText);
        return Exec.run(List.of(systemdAnalyze(), "verify", unit.toString()), Duration.ofSeconds(60));
    }

    @Test
    void renderedUnitPassesSystemdAnalyzeVerify() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SystemdUnit unit = SystemdUnit.jar(
                java,
                "/opt/speglar/speglar-agent.jar",
                List.of("--registry-addr=:30020", "--bootstrap-kind=dns", "--dns-bootstrap-domain=speglar.example"));
        Exec.Result r = verify(unit.render());
        String ours =
                r.stderr().lines().filter(l -> l.contains(SystemdUnit.NAME)).reduce("", (a, b) -> a + b + "\n");
        assertThat(r.exitCode()).as("systemd-analyze verify: " + r.stderr()).isZero();
        assertThat(ours).isEmpty();
        assertThat(unit.render())
                .contains(
                        "ExecStart=" + java + " -XX:+UseSerialGC -Xms8m -Xmx64m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+ExitOnOutOfMemoryError",
                        "Environment=MALLOC_ARENA_MAX=2",
                        "-jar /opt/speglar/speglar-agent.jar registry --registry-addr=:30020 --bootstrap-kind=dns");
        // The same list as bin/speglar-agent's, from the one file in packaging/.
        String shared = Files.readString(
                        Path.of(System.getProperty("user.dir")).getParent().resolve("packaging/agent-jvm.options"))
                .replaceAll("#[^\n]*", "")
                .replaceAll("\\s+", " ")
                .strip();
        assertThat(unit.render()).contains(java + " " + shared + " --enable-native-access=ALL-UNNAMED");
    }

    @Test
    void packagedUnitRunsTheRuntimesJavaWithTheAgentsArgfile() throws Exception {
        SystemdUnit unit = SystemdUnit.packaged("/opt/speglar", List.of("--bootstrap-kind=dns"));
        assertThat(unit.render())
                .contains("ExecStart=/opt/speglar/lib/runtime/bin/java @/opt/speglar/lib/app/speglar-agent.args"
                        + " registry --bootstrap-kind=dns\n")
                .doesNotContain("-jar")
                .doesNotContain("bin/speglar-agent");
        Exec.Result r = verify(unit.render());
        assertThat(r.stderr()
                        .lines()
                        .filter(l -> l.contains(SystemdUnit.NAME)
                                && !l.contains("java is not executable")
                                && !l.contains("No such file")))
                .isEmpty();
        assertThatThrownBy(() -> SystemdUnit.packaged("opt/speglar", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void execStartAndDaemonSetArgsParseWithTheRealAgentCli() {
        SystemdUnit unit = SystemdUnit.jar(
                "/usr/bin/java",
                "/opt/speglar/speglar-agent.jar",
                List.of("--registry-addr=:30020", "--bootstrap-kind=dns", "--dns-bootstrap-domain=speglar.example"));
        String exec = unit.render()
                .lines()
                .filter(l -> l.startsWith("ExecStart="))
                .findFirst()
                .orElseThrow();
        List<String> words = List.of(exec.split(" "));
        assertAgentParses(words.subList(words.indexOf("registry"), words.size()));

        var ds = new dev.speglar.installer.install.k8s.DaemonSetSpec(
                        "speglar",
                        "speglar",
                        "img:1",
                        30020,
                        "/run/containerd/containerd.sock",
                        "/var/lib/containerd/io.containerd.content.v1.content",
                        List.of("--bootstrap-kind=dns"))
                .build();
        assertAgentParses(
                ds.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs());
    }

    private static void assertAgentParses(List<String> args) {
        picocli.CommandLine.ParseResult r = dev.speglar.agent.Main.commandLine().parseArgs(args.toArray(String[]::new));
        assertThat(r.subcommand()).as("subcommand of %s", args).isNotNull();
        assertThat(r.subcommand().commandSpec().name()).isEqualTo("registry");
        assertThat(r.subcommand().unmatched()).as("unmatched in %s", args).isEmpty();
    }

    @Test
    void verifierCatchesABrokenUnitSoTheCheckAboveMeansSomething() throws Exception {
        Exec.Result r = verify(SystemdUnit.jar("/opt/nothere/java", "/opt/speglar/a.jar", List.of())
                .render()
                .replace("Type=simple", "Type=simpel"));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("simpel");
    }

    @Test
    void rejectsArgumentsThatWouldBreakTheUnitSyntax() {
        assertThatThrownBy(() -> SystemdUnit.jar("/usr/bin/java", "/a.jar", List.of("--x=%h")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SystemdUnit.jar("java", "/a.jar", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

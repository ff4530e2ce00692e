package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.installer.containerd.ContainerdVersion;
import dev.speglar.installer.containerd.EffectiveConfig;
import dev.speglar.testkit.ContainerdDaemon;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Install, fault injection, idempotency and uninstall against a real, private containerd daemon whose restart hook
 * stops and starts that daemon.
 */
@Tag("real")
class NodeInstallerTest {

    static final String CONFIG = "/etc/containerd/config.toml";
    static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path hostDir;

    @TempDir
    Path scratch;

    TestNode node;
    ContainerdDaemon daemon;
    final AtomicInteger restarts = new AtomicInteger();
    final AtomicInteger agentStarts = new AtomicInteger();
    final AtomicInteger agentStops = new AtomicInteger();
    final StringWriter out = new StringWriter();
    Path agentJar;

    @BeforeEach
    void setUp() throws IOException {
        node = new TestNode(hostDir);
        daemon = ContainerdDaemon.onConfig(node.path(CONFIG));
        agentJar = Files.write(scratch.resolve("speglar-agent.jar"), "PK-fake-agent-jar".getBytes());
        Files.createDirectories(scratch.resolve("lib"));
        Files.write(scratch.resolve("lib/netty.jar"), "PK-fake-dependency".getBytes());
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    /** Stands in for {@code systemctl restart containerd}. */
    private CommandHook restartHook() {
        return () -> {
            restarts.incrementAndGet();
            daemon.restart();
        };
    }

    private ContainerdProbe probe(Duration timeout) {
        return new ContainerdProbe("ctr", daemon.socket().toString(), timeout);
    }

    private void startWith(String config) throws IOException {
        node.write(CONFIG, config);
        daemon.start();
    }

    private ContainerdTarget target() {
        return new ContainerdTarget(node.version, CONFIG, false, ConfigStrategy.AUTO, null);
    }

    private AgentDeployment agent() {
        SystemdUnit unit =
                SystemdUnit.jar(JAVA, "/opt/speglar/speglar-agent.jar", List.of("--registry-addr=127.0.0.1:30020"));
        return new SystemdAgent(
                node.host,
                unit,
                AgentPayload.jar(agentJar, "/opt/speglar/speglar-agent.jar"),
                agentStarts::incrementAndGet,
                agentStops::incrementAndGet);
    }

    private NodeInstaller installer(CommandHook restart, ContainerdTarget target, Duration verifyTimeout) {
        var mirror = new NodeInstaller.Mirror(List.of(), List.of(URI.create("http://127.0.0.1:30020")), true);
        return new NodeInstaller(
                node.host,
                target,
                node.binary,
                mirror,
                agent(),
                restart,
                probe(verifyTimeout),
                null,
                new Progress(new PrintWriter(out, true)));
    }

    private NodeInstaller installer() {
        return installer(restartHook(), target(), Duration.ofSeconds(20));
    }

    private EffectiveConfig dump() throws Exception {
        return new CandidateDump(node.host, node.binary, node.version).dump(CONFIG, Map.of());
    }

    @Test
    void installConfiguresTheRunningDaemonSecondRunIsNoopAndUninstallRestoresBytes() throws Exception {
        startWith(daemon.privateConfig("", ""));
        Map<String, String> original = node.snapshot();
        Map<String, Object> dumpBefore = dump().flatten();

        InstallPlan plan = installer().install();
        assertThat(plan.restartContainerd()).isTrue();
        assertThat(restarts).hasValue(1);
        assertThat(agentStarts).hasValue(1);
        assertThat(daemon.isRunning()).isTrue();
        probe(Duration.ofSeconds(5)).verify();
        assertThat(out.toString()).contains("restart containerd", "verify containerd", ": ok");

        EffectiveConfig after = dump();
        assertThat(after.configPath()).isEqualTo("/etc/containerd/certs.d");
        assertThat(after.discardUnpackedLayers()).isFalse();
        Map<String, Object> expected = new java.util.TreeMap<>(dumpBefore);
        expected.put("plugins.\"io.containerd.grpc.v1.cri\".registry.config_path", "/etc/containerd/certs.d");
        Map<String, Object> actual = after.flatten();
        expected.remove("imports");
        actual.remove("imports");
        assertThat(actual).isEqualTo(expected);
        assertThat(node.read("/etc/containerd/certs.d/_default/hosts.toml"))
                .isEqualTo(
                        "[host.'http://127.0.0.1:30020']\ncapabilities = ['pull', 'resolve']\ndial_timeout = '200ms'");
        assertThat(node.read(SystemdUnit.PATH)).contains("ExecStart=" + JAVA);
        assertThat(Files.readAllBytes(node.path("/opt/speglar/speglar-agent.jar")))
                .isEqualTo(Files.readAllBytes(agentJar));
        assertThat(node.path("/opt/speglar/lib/netty.jar")).hasContent("PK-fake-dependency");
        // The daemon itself loaded the new config: its CRI plugin logs the registry config path.
        assertThat(daemon.logText()).contains("ConfigPath:/etc/containerd/certs.d");

        Map<String, String> installed = node.snapshot();
        InstallPlan second = installer().install();
        assertThat(second.isNoop()).isTrue();
        assertThat(restarts).hasValue(1);
        assertThat(agentStarts).hasValue(1);
        assertThat(node.snapshot()).isEqualTo(installed);

        boolean removed = new NodeUninstaller(
                        node.host,
                        agent(),
                        restartHook(),
                        probe(Duration.ofSeconds(20)),
                        new Progress(new PrintWriter(out, true)))
                .uninstall();
        assertThat(removed).isTrue();
        assertThat(agentStops).hasValue(1);
        assertThat(restarts).hasValue(2);
        assertThat(node.snapshot()).isEqualTo(original);
        probe(Duration.ofSeconds(5)).verify();
        assertThat(new NodeUninstaller(
                                node.host, agent(), restartHook(), probe(Duration.ofSeconds(5)), Progress.silent())
                        .uninstall())
                .isFalse();
    }

    @Test
    void failedValidationLeavesEveryFileByteIdenticalAndRestartsNothing() throws Exception {
        // containerd 1.x trap: an existing drop-in touching the CRI table replaces the main file's whole CRI table,
        // so an in-place edit of the main file would not take effect. The dump check must catch it.
        startWith(daemon.privateConfig("imports = [\"" + node.path("/etc/containerd/conf.d") + "/*.toml\"]", ""));
        node.write(
                "/etc/containerd/conf.d/10-site.toml",
                "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  discard_unpacked_layers = true\n");
        Map<String, String> original = node.snapshot();

        assertThatThrownBy(() -> installer().install())
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("nothing was changed")
                .hasMessageContaining("discard_unpacked_layers is not false");
        assertThat(node.snapshot()).isEqualTo(original);
        assertThat(restarts).hasValue(0);
        assertThat(agentStarts).hasValue(0);
    }

    @Test
    void aConcurrentRunIsRefusedAndChangesNothing() throws Exception {
        startWith(daemon.privateConfig("", ""));
        Map<String, String> original = node.snapshot();
        try (InstallLock held = InstallLock.acquire(node.host)) {
            assertThatThrownBy(() -> installer().install())
                    .isInstanceOf(InstallException.class)
                    .hasMessageContaining("another speglar install or uninstall is running")
                    .hasMessageContaining(InstallLock.PATH);
            assertThat(node.snapshot()).isEqualTo(original);
            assertThat(restarts).hasValue(0);
        }
        // Released: the next run proceeds.
        assertThat(installer().install().restartContainerd()).isTrue();
        assertThat(restarts).hasValue(1);
    }

    @Test
    void failedRestartRollsBackAndLeavesAWorkingContainerd() throws Exception {
        startWith(daemon.privateConfig("", ""));
        Map<String, String> original = node.snapshot();
        AtomicInteger calls = new AtomicInteger();
        CommandHook flaky = () -> {
            if (calls.incrementAndGet() == 1) {
                daemon.stop(); // the service went down and "systemctl restart" reports failure
                throw new IOException("Job for containerd.service failed (injected)");
            }
            restartHook().run();
        };

        assertThatThrownBy(
                        () -> installer(flaky, target(), Duration.ofSeconds(20)).install())
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("restart containerd")
                .hasMessageContaining("rolled back");
        assertThat(calls).hasValue(2);
        assertThat(node.snapshot()).isEqualTo(original);
        probe(Duration.ofSeconds(5)).verify();
        assertThat(dump().configPath()).isEmpty();
        assertThat(agentStarts).hasValue(0);
    }

    @Test
    void daemonThatDoesNotComeBackFailsVerificationAndIsRolledBack() throws Exception {
        startWith(daemon.privateConfig("", ""));
        Map<String, String> original = node.snapshot();
        AtomicInteger calls = new AtomicInteger();
        CommandHook deadOnArrival = () -> {
            if (calls.incrementAndGet() == 1) {
                daemon.stop(); // "restart" returns success but the daemon never comes up
                return;
            }
            restartHook().run();
        };

        assertThatThrownBy(() -> installer(deadOnArrival, target(), Duration.ofSeconds(2))
                        .install())
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("verify containerd")
                .hasMessageContaining("did not answer");
        assertThat(node.snapshot()).isEqualTo(original);
        probe(Duration.ofSeconds(5)).verify();
    }

    @Test
    void agentStartFailureRollsBackContainerdToo() throws Exception {
        startWith(daemon.privateConfig("", ""));
        Map<String, String> original = node.snapshot();
        SystemdUnit unit = SystemdUnit.jar(JAVA, "/opt/speglar/speglar-agent.jar", List.of());
        AgentDeployment failing = new SystemdAgent(
                node.host,
                unit,
                AgentPayload.jar(agentJar, "/opt/speglar/speglar-agent.jar"),
                () -> {
                    throw new IOException("Unit speglar-agent.service failed (injected)");
                },
                agentStops::incrementAndGet);
        var mirror = new NodeInstaller.Mirror(List.of(), List.of(URI.create("http://127.0.0.1:30020")), true);
        NodeInstaller installer = new NodeInstaller(
                node.host,
                target(),
                node.binary,
                mirror,
                failing,
                restartHook(),
                probe(Duration.ofSeconds(20)),
                null,
                Progress.silent());

        assertThatThrownBy(installer::install)
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("start agent");
        assertThat(node.snapshot()).isEqualTo(original);
        assertThat(restarts).hasValue(2);
        probe(Duration.ofSeconds(5)).verify();
    }

    @Test
    void pretending2xOnThis1xBinaryIsCaughtBeforeAnyWrite() throws Exception {
        startWith(daemon.privateConfig("", ""));
        Map<String, String> original = node.snapshot();
        ContainerdTarget wrong =
                new ContainerdTarget(ContainerdVersion.parse("2.1.0"), CONFIG, false, ConfigStrategy.IN_PLACE, null);
        // The file says version = 2, so v2 keys are written; still, use_local_image_pull cannot exist in v2 and is
        // skipped.
        InstallPlan plan =
                installer(restartHook(), wrong, Duration.ofSeconds(20)).plan();
        assertThat(plan.containerd().candidate().configPath()).isEqualTo("/etc/containerd/certs.d");
        assertThat(node.snapshot()).isEqualTo(original);
    }

    @Test
    void failedAgentUpgradeRestoresAndRestartsThePreviousUnit() throws Exception {
        // containerd is already configured, so no restart is involved; only the agent files change.
        node.write(
                CONFIG,
                "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n");
        node.write(
                "/etc/containerd/certs.d/_default/hosts.toml",
                "[host.'http://127.0.0.1:30020']\ncapabilities = ['pull', 'resolve']\ndial_timeout = '200ms'");
        node.write(SystemdUnit.PATH, "[Service]\nExecStart=/usr/bin/old-agent\n");
        Map<String, String> original = node.snapshot();
        AtomicInteger starts = new AtomicInteger();
        SystemdUnit unit = SystemdUnit.jar(JAVA, "/opt/speglar/speglar-agent.jar", List.of());
        AgentDeployment agent = new SystemdAgent(
                node.host,
                unit,
                AgentPayload.jar(agentJar, "/opt/speglar/speglar-agent.jar"),
                () -> {
                    if (starts.incrementAndGet() == 1) throw new IOException("new agent failed to start (injected)");
                },
                agentStops::incrementAndGet);
        var mirror = new NodeInstaller.Mirror(List.of(), List.of(URI.create("http://127.0.0.1:30020")), true);
        NodeInstaller installer = new NodeInstaller(
                node.host,
                target(),
                node.binary,
                mirror,
                agent,
                () -> {
                    throw new AssertionError("no containerd restart expected");
                },
                probe(Duration.ofSeconds(1)),
                null,
                Progress.silent());

        assertThatThrownBy(installer::install)
                .isInstanceOf(InstallException.class)
                .hasMessageContaining("rolled back");
        assertThat(node.snapshot()).isEqualTo(original);
        assertThat(starts).hasValue(2); // the failed start, then the old unit started again
        assertThat(agentStops).hasValue(0);
    }

    @Test
    void uninstallKeepsAFileEditedAfterInstallBesideTheRestoredOriginal() throws Exception {
        startWith(daemon.privateConfig("", ""));
        String original = node.read(CONFIG);
        installer().install();
        String hosts = "/etc/containerd/certs.d/_default/hosts.toml";
        node.write(hosts, "# edited by an operator\n");

        StringWriter log = new StringWriter();
        new NodeUninstaller(
                        node.host,
                        agent(),
                        restartHook(),
                        probe(Duration.ofSeconds(20)),
                        new Progress(new PrintWriter(log, true)))
                .uninstall();
        assertThat(node.read(CONFIG)).isEqualTo(original);
        assertThat(node.path(hosts)).doesNotExist();
        assertThat(node.read(hosts + ".speglar-modified")).isEqualTo("# edited by an operator\n");
        assertThat(log.toString()).contains("changed after install");
    }
}

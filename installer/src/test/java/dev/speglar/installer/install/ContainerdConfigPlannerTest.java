package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.common.files.AtomicFiles;
import dev.speglar.installer.containerd.ConfigValidationException;
import dev.speglar.installer.containerd.ContainerdVersion;
import dev.speglar.installer.containerd.EffectiveConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every candidate is judged by the real containerd binary's {@code config dump}. */
@Tag("real")
class ContainerdConfigPlannerTest {

    static final String CONFIG = "/etc/containerd/config.toml";
    static final String DEBIAN_DEFAULT = """
            version = 2

            [plugins]
              [plugins."io.containerd.grpc.v1.cri"]
                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/usr/lib/cni"
                  conf_dir = "/etc/cni/net.d"
              [plugins."io.containerd.internal.v1.opt"]
                path = "/var/lib/containerd/opt"
            """;

    @TempDir
    Path tmp;

    TestNode node;
    ContainerdConfigPlanner planner;

    @BeforeEach
    void setUp() {
        node = new TestNode(tmp);
        planner = new ContainerdConfigPlanner(node.host, node.binary);
    }

    private EffectiveConfig dumpOnDisk() throws Exception {
        return new CandidateDump(node.host, node.binary, node.version).dump(CONFIG, Map.of());
    }

    /** Effective config after = before, except exactly {@code changed} (dotted key -> new value). */
    private static void assertOnlyChanged(EffectiveConfig before, EffectiveConfig after, Map<String, Object> changed) {
        Map<String, Object> expected = new java.util.TreeMap<>(before.flatten());
        expected.putAll(changed);
        expected.remove("imports");
        Map<String, Object> actual = new java.util.TreeMap<>(after.flatten());
        actual.remove("imports");
        assertThat(actual).isEqualTo(expected);
    }

    private static final String V2_CONFIG_PATH = "plugins.\"io.containerd.grpc.v1.cri\".registry.config_path";
    private static final String V2_DISCARD = "plugins.\"io.containerd.grpc.v1.cri\".containerd.discard_unpacked_layers";

    private void apply(ContainerdConfigPlanner.Result r) throws Exception {
        for (FileChange c : r.changes()) AtomicFiles.write(node.path(c.nodePath()), c.after(), c.mode());
    }

    @Test
    void editsDebianDefaultInPlaceAndChangesNothingElse() throws Exception {
        node.write(CONFIG, DEBIAN_DEFAULT);
        EffectiveConfig before = dumpOnDisk();

        var plan = planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false));
        assertThat(plan.strategy()).isEqualTo(ConfigStrategy.IN_PLACE);
        assertThat(plan.hostsDir()).isEqualTo("/etc/containerd/certs.d");
        assertThat(plan.changes())
                .singleElement()
                .satisfies(c -> assertThat(c.nodePath()).isEqualTo(CONFIG));
        apply(plan);

        String written = node.read(CONFIG);
        assertThat(written).startsWith(DEBIAN_DEFAULT); // every original byte kept, keys appended
        EffectiveConfig after = dumpOnDisk();
        assertThat(after.configPath()).isEqualTo("/etc/containerd/certs.d");
        assertThat(after.discardUnpackedLayers()).isFalse();
        Map<String, Object> a = before.flatten();
        Map<String, Object> b = after.flatten();
        a.remove("imports");
        b.remove("imports");
        a.put("plugins.\"io.containerd.grpc.v1.cri\".registry.config_path", "/etc/containerd/certs.d");
        assertThat(b).isEqualTo(a);
    }

    @Test
    void secondPlanChangesNothing() throws Exception {
        node.write(CONFIG, DEBIAN_DEFAULT);
        apply(planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false)));
        assertThat(planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false)).changes())
                .isEmpty();
    }

    @Test
    void listConfigPathBecomesSingleDirectoryAndDiscardIsTurnedOff() throws Exception {
        node.write(CONFIG, """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".containerd]
                  discard_unpacked_layers = true
                [plugins."io.containerd.grpc.v1.cri".registry]
                  config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"
                """);
        EffectiveConfig before = dumpOnDisk();
        var plan = planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false));
        assertThat(plan.effectiveChanges())
                .containsOnlyKeys(
                        "plugins.\"io.containerd.grpc.v1.cri\".registry.config_path",
                        "plugins.\"io.containerd.grpc.v1.cri\".containerd.discard_unpacked_layers");
        apply(plan);
        assertThat(node.read(CONFIG)).isEqualTo("""
                version = 2
                [plugins."io.containerd.grpc.v1.cri".containerd]
                  discard_unpacked_layers = false
                [plugins."io.containerd.grpc.v1.cri".registry]
                  config_path = "/etc/containerd/certs.d"
                """);
        assertOnlyChanged(before, dumpOnDisk(), Map.of(V2_CONFIG_PATH, "/etc/containerd/certs.d", V2_DISCARD, false));
    }

    @Test
    void missingConfigGetsAMinimalFileWithVersionHeader() throws Exception {
        EffectiveConfig before = dumpOnDisk();
        var plan = planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false));
        assertThat(plan.changes())
                .singleElement()
                .satisfies(c -> assertThat(c.before()).isNull());
        apply(plan);
        assertThat(node.read(CONFIG)).startsWith("version = 2\n");
        assertOnlyChanged(before, dumpOnDisk(), Map.of(V2_CONFIG_PATH, "/etc/containerd/certs.d"));
    }

    @Test
    void regeneratedConfigOn1xGetsFullCriTableDropIn() throws Exception {
        // containerd 1.x replaces the whole CRI table with a drop-in's; a partial drop-in would reset sandbox_image.
        String main = """
                version = 2
                imports = ["/etc/containerd/config.d/*.toml"]
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "example.invalid/pause:main"
                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    snapshotter = "native"
                    discard_unpacked_layers = true
                  [plugins."io.containerd.grpc.v1.cri".registry]
                    config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"
                """;
        node.write(CONFIG, main);
        Files.createDirectories(node.path("/etc/containerd/config.d"));
        EffectiveConfig before = dumpOnDisk();
        assertThat(before.get(List.of("plugins", "io.containerd.grpc.v1.cri", "sandbox_image")))
                .isEqualTo("example.invalid/pause:main");

        var plan = planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, true));
        assertThat(plan.strategy()).isEqualTo(ConfigStrategy.DROP_IN);
        assertThat(plan.changes())
                .singleElement()
                .satisfies(c -> assertThat(c.nodePath())
                        .isEqualTo("/etc/containerd/config.d/" + ContainerdConfigPlanner.DROP_IN_NAME));
        apply(plan);
        assertThat(node.read(CONFIG)).isEqualTo(main);

        EffectiveConfig after = dumpOnDisk();
        assertOnlyChanged(before, after, Map.of(V2_CONFIG_PATH, "/etc/containerd/certs.d", V2_DISCARD, false));
        assertThat(after.get(List.of("plugins", "io.containerd.grpc.v1.cri", "sandbox_image")))
                .isEqualTo("example.invalid/pause:main");
        assertThat(after.get(List.of("plugins", "io.containerd.grpc.v1.cri", "containerd", "snapshotter")))
                .isEqualTo("native");
        assertThat(after.configPath()).isEqualTo("/etc/containerd/certs.d");
        assertThat(after.discardUnpackedLayers()).isFalse();
        assertThat(planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, true)).changes())
                .isEmpty();
    }

    @Test
    void partialDropInOn1xResetsTheCriTableWhichTheCheckWouldCatch() throws Exception {
        node.write(CONFIG, """
                version = 2
                imports = ["/etc/containerd/config.d/*.toml"]
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "example.invalid/pause:main"
                """);
        String partial =
                "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
        EffectiveConfig trap = new CandidateDump(node.host, node.binary, node.version)
                .dump(CONFIG, Map.of("/etc/containerd/config.d/50-naive.toml", partial.getBytes()));
        assertThat(trap.configPath()).isEqualTo("/etc/containerd/certs.d");
        assertThat(trap.get(List.of("plugins", "io.containerd.grpc.v1.cri", "sandbox_image")))
                .isNotEqualTo("example.invalid/pause:main");
    }

    @Test
    void regeneratedConfigWithoutImportsIsRefused() {
        node.write(CONFIG, DEBIAN_DEFAULT);
        assertThatThrownBy(() -> planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, true)))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("imports no");
        assertThatThrownBy(() -> planner.plan(node.target(CONFIG, ConfigStrategy.IN_PLACE, true)))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("regenerated by the platform");
    }

    @Test
    void inlineMirrorsAndDisabledCriAreRefused() {
        node.write(CONFIG, """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
                  endpoint = ["https://mirror.gcr.io"]
                """);
        assertThatThrownBy(() -> planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false)))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("registry.mirrors");
        node.write(CONFIG, "version = 2\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n");
        assertThatThrownBy(() -> planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false)))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("CRI plugin is disabled");
    }

    @Test
    void candidateWithoutTheIntendedEffectIsRejectedBeforeAnythingIsWritten() throws Exception {
        // A 2.x target yields a v3-keyed drop-in; this 1.6 binary ignores those keys, so the dump check must fail.
        node.write(CONFIG, "version = 2\nimports = [\"/etc/containerd/config.d/*.toml\"]\n");
        Files.createDirectories(node.path("/etc/containerd/config.d"));
        var snapshot = node.snapshot();
        ContainerdTarget pretend2x =
                new ContainerdTarget(ContainerdVersion.parse("2.1.0"), CONFIG, true, ConfigStrategy.DROP_IN, null);
        assertThatThrownBy(() -> planner.plan(pretend2x))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("config_path is ''");
        assertThat(node.snapshot()).isEqualTo(snapshot);
    }

    @Test
    void typeErrorInAnExistingDropInIsReportedByTheBinary() throws Exception {
        node.write(CONFIG, "version = 2\nimports = [\"/etc/containerd/config.d/*.toml\"]\n");
        node.write("/etc/containerd/config.d/10-bad.toml", "version = 2\n[grpc]\n  address = 1\n");
        assertThatThrownBy(() -> planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false)))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("containerd config dump rejected")
                .hasMessageContaining("Can't convert");
    }

    @Test
    void brokenTomlIsReportedNotEdited() {
        node.write(CONFIG, "version = 2\n[plugins\n");
        assertThatThrownBy(() -> planner.plan(node.target(CONFIG, ConfigStrategy.AUTO, false)))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("not valid TOML");
    }
}

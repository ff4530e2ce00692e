package dev.speglar.containerd.cri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.TestImages;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The CRI client and the config check against a real containerd 1.6 with its CRI plugin. */
@Tag("real")
class RealCriTest {
    static DistributionRegistry registry;
    final ContainerdDaemon daemon = ContainerdDaemon.create().start();
    CriClient cri = CriClient.connect(daemon.socket(), Duration.ofSeconds(10));

    static synchronized DistributionRegistry registry() {
        if (registry == null) {
            registry = DistributionRegistry.create().start();
            TestImages.shared().pushTo(registry);
            DistributionRegistry r = registry;
            Runtime.getRuntime().addShutdownHook(new Thread(r::close));
        }
        return registry;
    }

    @AfterEach
    void close() {
        cri.close();
        daemon.close();
    }

    @Test
    void pullsListsAndRemovesImages() throws Exception {
        String host = registry().hostPort();
        daemon.writeHostsToml(host, "server = \"http://" + host + "\"\n");
        String ref = host + "/" + TestImages.TEST_REPOSITORY + ":" + TestImages.TAG;
        String id = cri.pullImage(ref, Duration.ofSeconds(60));
        assertThat(id).isEqualTo(TestImages.shared().test().config().digest());
        assertThat(cri.listImages())
                .anySatisfy(i -> assertThat(i.getRepoTagsList()).contains(ref));
        assertThat(cri.imageStatus(ref))
                .hasValueSatisfying(i -> assertThat(i.getRepoDigestsList())
                        .contains(host + "/" + TestImages.TEST_REPOSITORY + "@"
                                + TestImages.shared().test().manifest().digest()));
        assertThat(daemon.imageNames()).contains(ref);
        cri.removeImage(ref);
        assertThat(cri.imageStatus(ref)).isEmpty();
        assertThat(daemon.imageNames()).doesNotContain(ref);
    }

    @Test
    void configCheckPassesForAMirrorReadyDaemon() {
        var result = CriConfigCheck.check(cri, daemon.certsDir());
        assertThat(result)
                .isEqualTo(new CriConfigCheck.Result.Ok(daemon.certsDir().toString()));
    }

    @Test
    void configCheckNamesAConfigPathThatMissesTheMirrorDirectory() {
        var result = CriConfigCheck.check(cri, daemon.dir().resolve("elsewhere"));
        assertThat(result).isInstanceOfSatisfying(CriConfigCheck.Result.Misconfigured.class, m -> {
            assertThat(m.setting()).isEqualTo(CriConfigCheck.CONFIG_PATH_SETTING);
            assertThat(m.message())
                    .contains("config_path")
                    .contains(daemon.certsDir().toString())
                    .contains("Fix:");
        });
    }

    @Test
    void configCheckCatchesDiscardedLayers() throws Exception {
        // A 1.6 drop-in touching the CRI section replaces all of it, so the drop-in carries the settings the test
        // needs.
        Files.writeString(daemon.confDir().resolve("50-discard.toml"), """
        version = 2
        [plugins."io.containerd.grpc.v1.cri"]
          disable_tcp_service = true
          stream_server_port = "0"
          [plugins."io.containerd.grpc.v1.cri".containerd]
            discard_unpacked_layers = true
          [plugins."io.containerd.grpc.v1.cri".registry]
            config_path = "%s"
        """.formatted(daemon.certsDir()));
        daemon.restart();
        cri.close();
        cri = CriClient.connect(daemon.socket(), Duration.ofSeconds(10));
        var result = CriConfigCheck.check(cri, daemon.certsDir());
        assertThat(result).isInstanceOfSatisfying(CriConfigCheck.Result.Misconfigured.class, m -> {
            assertThat(m.setting()).isEqualTo(CriConfigCheck.DISCARD_SETTING);
            assertThat(m.message()).contains("discard_unpacked_layers = false");
        });
    }

    @Test
    void unreachableSocketIsReportedAsSuch() {
        try (CriClient nobody = CriClient.connect(daemon.dir().resolve("nothing.sock"), Duration.ofSeconds(2))) {
            assertThat(CriConfigCheck.check(nobody, daemon.certsDir()))
                    .isInstanceOfSatisfying(
                            CriConfigCheck.Result.Unreachable.class,
                            u -> assertThat(u.message()).contains("UNAVAILABLE"));
        }
    }
}

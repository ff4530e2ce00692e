package dev.speglar.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.store.Blob;
import dev.speglar.store.Image;
import dev.speglar.testkit.TestImages;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** containerd store behaviour that only a real daemon can show: discovery, real events, restarts, Docker's namespace. */
@Tag("real")
class RealContainerdStoreTest {
    final RealContainerd real = new RealContainerd();
    ContainerdStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        real.close();
    }

    private ContainerdStore start(ContainerdStoreConfig config) throws Exception {
        store = ContainerdStore.start(config);
        return store;
    }

    private ContainerdStoreConfig config() {
        return ContainerdStoreConfig.of(real.daemon.socket(), List.of("k8s.io", "moby"));
    }

    private static Digest sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (in) {
            md.update(in.readAllBytes());
        }
        return new Digest("sha256", HexFormat.of().formatHex(md.digest()));
    }

    @Test
    void discoversTheContentDirectoryAndServesLayersFromFiles() throws Exception {
        real.criPull(real.testRef());
        start(config());
        assertThat(store.contentPath()).contains(real.daemon.contentDir());
        Digest layer =
                Digest.parse(TestImages.shared().test().layers().getFirst().digest());
        Blob blob = store.open(layer).orElseThrow();
        assertThat(blob.file()).contains(real.daemon.contentBlob(layer.toString()));
        assertThat(sha256(blob.openStream(0))).isEqualTo(layer);
    }

    @Test
    void apiReadsServeTheSameBytes() throws Exception {
        real.criPull(real.testRef());
        start(config().withApiReadsOnly());
        Digest root = store.resolve(ImageName.parse(real.testRef())).orElseThrow();
        assertThat(root.toString())
                .isEqualTo(TestImages.shared().test().manifest().digest());
        List<Descriptor> walk = store.walk(root);
        assertThat(walk).hasSize(2 + TestImages.shared().test().layers().size());
        for (Descriptor d : walk) {
            Blob blob = store.open(d.digest()).orElseThrow();
            assertThat(blob.file()).isEmpty();
            assertThat(sha256(blob.openStream(0))).isEqualTo(d.digest());
        }
    }

    @Test
    void followsPullsInTheK8sAndMobyNamespaces() throws Exception {
        start(config());
        assertThat(store.images()).isEmpty();
        AtomicInteger changes = new AtomicInteger();
        store.subscribe(changes::incrementAndGet);
        real.criPull(real.testRef());
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(store.images())
                        .extracting(Image::namespace, i -> i.name().toString())
                        .contains(org.assertj.core.groups.Tuple.tuple("k8s.io", real.testRef())));
        real.ctrPull("moby", real.multiRef());
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(store.images())
                        .extracting(Image::namespace, i -> i.name().toString())
                        .contains(org.assertj.core.groups.Tuple.tuple("moby", real.multiRef())));
        assertThat(store.resolve(ImageName.parse(real.multiRef())).orElseThrow().toString())
                .isEqualTo(TestImages.shared().multi().index().digest());
        assertThat(changes).hasValueGreaterThanOrEqualTo(2);
    }

    @Test
    void servesImportedImagesWhichCarryNoDistributionLabels() throws Exception {
        // Upstream advertises content by its distribution-source labels, which `ctr import` never sets (spegel#1096).
        // Walking image trees needs no labels.
        start(config());
        java.nio.file.Path archive = real.daemon.dir().resolve("test.tar");
        dev.speglar.testkit.Exec.run(
                        Duration.ofSeconds(30),
                        "tar",
                        "-C",
                        TestImages.shared().layout().dir().toString(),
                        "-cf",
                        archive.toString(),
                        ".")
                .check();
        real.ctr("k8s.io", "images", "import", "--base-name", "registry.example/library/test", archive.toString());
        ImageName name = ImageName.parse("registry.example/library/test:1.0");
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(store.resolve(name)).isPresent());
        Digest root = store.resolve(name).orElseThrow();
        assertThat(root.toString())
                .isEqualTo(TestImages.shared().test().manifest().digest());
        List<Descriptor> walk = store.walk(root);
        assertThat(walk).hasSize(2 + TestImages.shared().test().layers().size());
        for (Descriptor d : walk) {
            assertThat(sha256(store.open(d.digest()).orElseThrow().openStream(0)))
                    .isEqualTo(d.digest());
        }
    }

    @Test
    void startFailsNamingTheSocketWhenNothingListens() {
        var socket = real.daemon.dir().resolve("nothing.sock");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> start(ContainerdStoreConfig.of(socket, List.of("k8s.io"))))
                .isInstanceOfSatisfying(
                        ContainerdException.class, e -> assertThat(e.code()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE))
                .hasMessageContaining(socket.toString());
    }

    @Test
    void survivesAContainerdRestart() throws Exception {
        real.criPull(real.testRef());
        start(config().withMaxBackoff(Duration.ofMillis(500)));
        AtomicInteger changes = new AtomicInteger();
        store.subscribe(changes::incrementAndGet);
        real.daemon.restart();
        // Re-listed after reconnecting: subscribers hear about it, the image is still there.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(changes).hasPositiveValue());
        assertThat(store.resolve(ImageName.parse(real.testRef()))).isPresent();
        // The new event stream works: a pull after the restart shows up.
        real.criPull(real.multiRef());
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(store.resolve(ImageName.parse(real.multiRef())))
                        .isPresent());
    }
}

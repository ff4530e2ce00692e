package dev.speglar.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.MediaTypes;
import dev.speglar.store.Image;
import dev.speglar.store.TestImage;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containerd store behaviour beyond the conformance suite, against the in-process fake. */
class ContainerdStoreTest {
    final FakeContainerd fake;
    final TestImage image = new TestImage();
    ContainerdStore store;

    ContainerdStoreTest() throws Exception {
        fake = new FakeContainerd();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        fake.close();
    }

    private void load(String ns, TestImage img, String name) {
        img.blobs.values().forEach(b -> fake.putContent(ns, b));
        fake.putImage(ns, name, img.index);
    }

    private ContainerdStore start(ContainerdStoreConfig config) throws Exception {
        store = ContainerdStore.start(fake.client(), config);
        return store;
    }

    private static ContainerdStoreConfig config(String... namespaces) {
        return ContainerdStoreConfig.of(Path.of("/unused.sock"), List.of(namespaces))
                .withApiReadsOnly()
                .withMaxBackoff(Duration.ofMillis(200));
    }

    @Test
    void everyNamespaceIsListedAndNamedInTheRequests() throws Exception {
        TestImage docker = new TestImage("moby");
        load("k8s.io", image, "registry.example/app:1");
        load("moby", docker, "docker.io/library/app:2");
        start(config("k8s.io", "moby"));
        assertThat(store.images())
                .extracting(Image::namespace, i -> i.name().toString())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("k8s.io", "registry.example/app:1"),
                        org.assertj.core.groups.Tuple.tuple("moby", "docker.io/library/app:2"));
        assertThat(fake.namespacesSeen).containsExactlyInAnyOrder("k8s.io", "moby");
        // Content held only in moby is served (read in the namespace that holds it).
        assertThat(store.open(docker.layer1.digest())
                        .orElseThrow()
                        .openStream(0)
                        .readAllBytes())
                .isEqualTo(docker.blobs.get(docker.layer1.digest()));
    }

    @Test
    void aTagInSeveralNamespacesResolvesInTheFirstConfigured() throws Exception {
        TestImage other = new TestImage("other");
        load("k8s.io", image, "registry.example/app:1");
        load("moby", other, "registry.example/app:1");
        start(config("moby", "k8s.io"));
        assertThat(store.resolve(ImageName.parse("registry.example/app:1"))).contains(other.index.digest());
    }

    @Test
    void bareIdsAndBadNamesAreSkippedAndDigestNamesFoldIntoTags() throws Exception {
        load("k8s.io", image, "registry.example/app:1");
        fake.putImage("k8s.io", "registry.example/app@" + image.index.digest(), image.index);
        fake.putImage("k8s.io", image.config.digest().toString(), image.config);
        fake.putImage("k8s.io", "registry.example/UPPER:1", image.index);
        TestImage lone = new TestImage("lone");
        lone.blobs.values().forEach(b -> fake.putContent("k8s.io", b));
        fake.putImage("k8s.io", "registry.example/lone@" + lone.index.digest(), lone.index);
        start(config("k8s.io"));
        assertThat(store.images())
                .extracting(i -> i.name().toString())
                .containsExactlyInAnyOrder("registry.example/app:1", "registry.example/lone@" + lone.index.digest());
    }

    @Test
    void everyTagOfOneDigestIsKept() throws Exception {
        // Upstream keyed its listing by digest and dropped all but one tag (spegel#1495).
        load("k8s.io", image, "registry.example/app:1");
        fake.putImage("k8s.io", "registry.example/app:latest", image.index);
        fake.putImage("k8s.io", "registry.example/other:1", image.index);
        start(config("k8s.io"));
        assertThat(store.images())
                .extracting(i -> i.name().toString())
                .containsExactlyInAnyOrder(
                        "registry.example/app:1", "registry.example/app:latest", "registry.example/other:1");
        for (String tag : List.of("registry.example/app:latest", "registry.example/other:1")) {
            assertThat(store.resolve(ImageName.parse(tag))).contains(image.index.digest());
        }
    }

    @Test
    void imageWhoseRootContentIsMissingIsNotListed() throws Exception {
        fake.putImage("k8s.io", "registry.example/ghost:1", image.index);
        start(config("k8s.io"));
        assertThat(store.images()).isEmpty();
        assertThat(store.resolve(ImageName.parse("registry.example/ghost:1"))).isEmpty();
    }

    @Test
    void orphanContentIsFingerprinted() throws Exception {
        load("k8s.io", image, "registry.example/app:1");
        start(config("k8s.io"));
        assertThat(store.descriptor(image.orphanConfig.digest())).contains(image.orphanConfig);
        assertThat(store.descriptor(image.index.digest()).orElseThrow().mediaType())
                .isEqualTo(MediaTypes.OCI_INDEX);
    }

    @Test
    void startFailsClearlyWhenContainerdIsDown() {
        fake.down.set(true);
        assertThatThrownBy(() -> start(config("k8s.io")))
                .isInstanceOfSatisfying(
                        ContainerdException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE))
                .hasMessageContaining("UNAVAILABLE");
    }

    @Test
    void survivesARestartReListsAndNotifies() throws Exception {
        load("k8s.io", image, "registry.example/app:1");
        start(config("k8s.io"));
        AtomicInteger changes = new AtomicInteger();
        store.subscribe(changes::incrementAndGet);
        // containerd goes away: streams break, calls fail. Meanwhile its state changes.
        assertThat(store.connected()).isTrue();
        fake.down.set(true);
        fake.breakStreams();
        await().atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(store.connected()).isFalse());
        TestImage later = new TestImage("later");
        later.blobs.values().forEach(b -> fake.putContent("k8s.io", b));
        fake.images.get("k8s.io").clear();
        fake.putImage("k8s.io", "registry.example/later:1", later.index);
        assertThat(store.images()).extracting(i -> i.name().toString()).containsExactly("registry.example/app:1");
        fake.down.set(false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(store.images()).extracting(i -> i.name().toString()).containsExactly("registry.example/later:1");
            assertThat(changes).hasPositiveValue();
            assertThat(fake.subscriberCount()).isEqualTo(1);
            assertThat(store.connected()).isTrue();
        });
        // And follows events again.
        fake.removeImage("k8s.io", "registry.example/later:1");
        await().atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(store.images()).isEmpty());
    }

    @Test
    void aFailedReListIsRetriedWithoutWaitingForTheResync() throws Exception {
        load("k8s.io", image, "registry.example/app:1");
        start(config("k8s.io"));
        fake.failingLists.set(1);
        fake.removeImage("k8s.io", "registry.example/app:1");
        // The resync is 30 s away; the retry comes after about 1 s.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(store.images()).isEmpty());
        assertThat(fake.failingLists).hasValue(0);
        assertThat(store.connected()).isTrue();
    }

    @Test
    void contentPathFileIsPreferredAndAMissingFileFallsBackToTheApi(@TempDir Path root) throws Exception {
        load("k8s.io", image, "registry.example/app:1");
        Path layer = root.resolve("blobs/sha256").resolve(image.layer1.digest().hex());
        Files.createDirectories(layer.getParent());
        Files.write(layer, image.blobs.get(image.layer1.digest()));
        start(config("k8s.io").withContentPath(root));
        assertThat(store.open(image.layer1.digest()).orElseThrow().file()).contains(layer);
        var blob = store.open(image.layer2.digest()).orElseThrow();
        assertThat(blob.file()).isEmpty();
        assertThat(blob.openStream(0).readAllBytes()).isEqualTo(image.blobs.get(image.layer2.digest()));
    }

    @Test
    void contentRootIsDiscoveredOnlyIfVisible(@TempDir Path root) throws Exception {
        load("k8s.io", image, "registry.example/app:1");
        fake.contentRoot = root.resolve("not-here").toString();
        start(ContainerdStoreConfig.of(Path.of("/unused.sock"), List.of("k8s.io")));
        assertThat(store.contentPath()).isEmpty();
        store.close();
        fake.contentRoot = root.toString();
        store = ContainerdStore.start(
                fake.client(), ContainerdStoreConfig.of(Path.of("/unused.sock"), List.of("k8s.io")));
        assertThat(store.contentPath()).contains(root);
    }

    @Test
    void configRejectsBadNamespacesAndContradictoryContentSettings() {
        assertThatThrownBy(() -> ContainerdStoreConfig.of(Path.of("/s"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContainerdStoreConfig.of(Path.of("/s"), List.of("k8s.io", "bad ns")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContainerdStoreConfig(
                        Path.of("/s"),
                        List.of("k8s.io"),
                        ContainerdStoreConfig.ContentAccess.PATH,
                        null,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownDigestAfterRemovalOfContent() throws Exception {
        load("k8s.io", image, "registry.example/app:1");
        start(config("k8s.io"));
        Digest layer = image.layer2.digest();
        fake.removeContent("k8s.io", layer);
        await().atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(store.open(layer)).isEmpty());
    }
}

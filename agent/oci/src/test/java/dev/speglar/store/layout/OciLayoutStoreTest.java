package dev.speglar.store.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.InvalidReferenceException;
import dev.speglar.oci.MediaTypes;
import dev.speglar.store.Image;
import dev.speglar.store.TestImage;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutStoreTest {
    @TempDir
    Path dir;

    final TestImage image = new TestImage();

    private List<Image> imagesFor(String spec, Map<String, String> annotations) throws Exception {
        image.writeLayout(dir, annotations);
        try (OciLayoutStore s = OciLayoutStore.open(LayoutSource.parse(spec))) {
            return s.images();
        }
    }

    @Test
    void containerdNameAnnotationIsUsedWithDockerDefaults() throws Exception {
        assertThat(imagesFor(dir.toString(), Map.of("io.containerd.image.name", "busybox:1.37")))
                .extracting(i -> i.name().toString())
                .containsExactly("docker.io/library/busybox:1.37");
    }

    @Test
    void fullRefNameIsUsedAsIs() throws Exception {
        assertThat(imagesFor(dir.toString(), Map.of("org.opencontainers.image.ref.name", "quay.io/org/app:2")))
                .singleElement()
                .satisfies(i -> {
                    assertThat(i.name()).isEqualTo(ImageName.parse("quay.io/org/app:2"));
                    assertThat(i.target()).isEqualTo(image.index.digest());
                    assertThat(i.namespace()).isEqualTo(dir.getFileName().toString());
                });
    }

    @Test
    void bareTagNeedsTheSourceRepository() throws Exception {
        assertThat(imagesFor("localhost:5000/app=" + dir, Map.of("org.opencontainers.image.ref.name", "v1")))
                .extracting(i -> i.name().toString())
                .containsExactly("localhost:5000/app:v1");
        assertThat(imagesFor(dir.toString(), Map.of("org.opencontainers.image.ref.name", "v1")))
                .isEmpty();
    }

    @Test
    void unnamedEntryBecomesDigestOnlyOrNothing() throws Exception {
        assertThat(imagesFor("localhost:5000/app=" + dir, Map.of()))
                .extracting(i -> i.name().toString())
                .containsExactly("localhost:5000/app@" + image.index.digest());
        assertThat(imagesFor(dir.toString(), Map.of())).isEmpty();
    }

    @Test
    void orphanContentIsServedWithASniffedMediaType() throws Exception {
        image.writeLayout(dir, Map.of());
        try (OciLayoutStore s = OciLayoutStore.open(LayoutSource.parse(dir.toString()))) {
            assertThat(s.descriptor(image.orphanConfig.digest())).contains(image.orphanConfig);
            assertThat(s.walk(image.index.digest())).containsExactlyElementsOf(image.walk());
            assertThat(s.descriptor(image.layer1.digest()).orElseThrow().mediaType())
                    .isEqualTo(TestImage.LAYER);
            assertThat(s.descriptor(image.index.digest()).orElseThrow().mediaType())
                    .isEqualTo(MediaTypes.OCI_INDEX);
        }
    }

    @Test
    void aBrokenEntryOrManifestSkipsOnlyThatEntry() throws Exception {
        image.writeLayout(dir, java.util.Map.of());
        byte[] broken = "{\"layers\":[{\"size\":1}]}".getBytes();
        dev.speglar.oci.Digest brokenDigest = dev.speglar.oci.Digest.sha256(broken);
        Files.write(dir.resolve("blobs/sha256").resolve(brokenDigest.hex()), broken);
        String good =
                "{\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"digest\":\"" + image.index.digest() + "\",\"size\":"
                        + image.index.size() + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"ok\"}}";
        String badManifest = "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + brokenDigest
                + "\",\"size\":" + broken.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"bad\"}}";
        TestImage.writeIndexJson(dir, List.of("{\"digest\":\"nope\"}", badManifest, good));
        try (OciLayoutStore s = OciLayoutStore.open(LayoutSource.parse("localhost:5000/app=" + dir))) {
            assertThat(s.images()).extracting(i -> i.name().tag()).containsExactly("ok");
            assertThat(s.walk(image.index.digest())).containsExactlyElementsOf(image.walk());
        }
    }

    @Test
    void badSpecsAndDirectoriesFailClearly() throws Exception {
        assertThatThrownBy(() -> LayoutSource.parse("=x")).isInstanceOf(InvalidReferenceException.class);
        assertThatThrownBy(() -> LayoutSource.parse("NoRegistry/App=x")).isInstanceOf(InvalidReferenceException.class);
        assertThatThrownBy(() -> OciLayoutStore.open(
                        LayoutSource.parse(dir.resolve("missing").toString())))
                .isInstanceOf(NoSuchFileException.class);
        Files.writeString(dir.resolve("index.json"), "{\"manifests\":");
        assertThatThrownBy(() -> OciLayoutStore.open(LayoutSource.parse(dir.toString())))
                .isInstanceOf(InvalidJsonException.class);
    }

    @Test
    void addedImageIsNoticedAndABrokenRewriteKeepsTheLastGoodIndex() throws Exception {
        Files.createDirectories(dir);
        try (OciLayoutStore s =
                new OciLayoutStore(LayoutSource.parse("localhost:5000/app=" + dir), Duration.ofMillis(20))) {
            assertThat(s.images()).isEmpty();
            AtomicInteger changes = new AtomicInteger();
            s.subscribe(changes::incrementAndGet);
            image.writeLayout(dir, Map.of("org.opencontainers.image.ref.name", "v2"));
            ImageName v2 = ImageName.parse("localhost:5000/app:v2");
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
                assertThat(s.resolve(v2)).contains(image.index.digest());
                assertThat(changes).hasPositiveValue();
            });
            Files.writeString(dir.resolve("index.json"), "{ not json");
            int seen = changes.get();
            TestImage other = new TestImage("other");
            Files.write(
                    dir.resolve("blobs/sha256").resolve(other.config.digest().hex()),
                    other.blobs.get(other.config.digest()));
            await().atMost(Duration.ofSeconds(2))
                    .untilAsserted(() ->
                            assertThat(s.descriptor(other.config.digest())).isPresent());
            assertThat(s.resolve(v2)).contains(image.index.digest());
            assertThat(changes.get()).isEqualTo(seen);
        }
    }
}

package dev.speglar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.MediaTypes;
import dev.speglar.store.manifest.ManifestChildren;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ContentStore} must do, checked against a store holding one known image. Subclasses provide the
 * store and the two mutations the suite needs on its backing store (delete a blob, remove the image). A fresh fixture
 * is made for every test, since two tests mutate it.
 */
public abstract class ContentStoreConformance {

    /** A store holding a known image, and operations on the store's backing storage. */
    public interface Fixture extends AutoCloseable {
        ContentStore store();

        /** The tagged name of the test image. */
        ImageName tag();

        /** The manifest or index digest the tag points at. */
        Digest root();

        /** Deletes one blob from the backing storage, leaving the image record. */
        void deleteBlob(Digest digest) throws Exception;

        /** Removes the test image's record(s) from the backing storage. */
        void removeImage() throws Exception;
    }

    /** A fresh store pre-loaded with the test image. */
    protected abstract Fixture loadedStore() throws Exception;

    /** How long a store may take to reflect a change of its backing storage. */
    protected Duration changeTimeout() {
        return Duration.ofSeconds(1);
    }

    protected Fixture fx;
    protected ContentStore store;

    @BeforeEach
    void openFixture() throws Exception {
        fx = loadedStore();
        store = fx.store();
    }

    @AfterEach
    void closeFixture() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void hasAName() {
        assertThat(store.name()).isNotBlank();
    }

    @Test
    void listsTheTestImage() throws IOException {
        assertThat(store.images()).anySatisfy(i -> {
            assertThat(i.name().tag()).isEqualTo(fx.tag().tag());
            assertThat(i.name().tagName()).isEqualTo(fx.tag().tagName());
            assertThat(i.target()).isEqualTo(fx.root());
            assertThat(i.namespace()).isNotBlank();
        });
    }

    @Test
    void tagResolvesToTheRootDigest() throws IOException {
        assertThat(store.resolve(fx.tag())).contains(fx.root());
        ImageName other = new ImageName(fx.tag().registry(), fx.tag().repository(), "no-such-tag-42", null);
        assertThat(store.resolve(other)).isEmpty();
    }

    @Test
    void rootDescriptorIsAManifestWithItsSize() throws Exception {
        Descriptor root = store.descriptor(fx.root()).orElseThrow();
        assertThat(root.digest()).isEqualTo(fx.root());
        assertThat(MediaTypes.isManifest(root.mediaType())).as(root.mediaType()).isTrue();
        assertThat(readAll(root.digest())).hasSize((int) root.size());
    }

    @Test
    void walkIsRootFirstAndListsEveryPresentChild() throws Exception {
        List<Descriptor> walk = store.walk(fx.root());
        assertThat(walk).isNotEmpty();
        assertThat(walk.getFirst()).isEqualTo(store.descriptor(fx.root()).orElseThrow());
        assertThat(new HashSet<>(walk)).hasSameSizeAs(walk);
        Set<Digest> walked = new HashSet<>();
        walk.forEach(d -> walked.add(d.digest()));
        int blobs = 0;
        for (Descriptor d : walk) {
            assertThat(store.descriptor(d.digest()))
                    .as("descriptor of %s", d.digest())
                    .contains(d);
            if (!ManifestChildren.hasChildren(d.mediaType())) {
                blobs++;
                continue;
            }
            for (Descriptor child : ManifestChildren.of(d.mediaType(), readAll(d.digest()))) {
                boolean present = store.descriptor(child.digest()).isPresent();
                assertThat(walked.contains(child.digest()))
                        .as("child %s present=%s", child.digest(), present)
                        .isEqualTo(present);
            }
        }
        assertThat(blobs).as("config and at least one layer").isGreaterThanOrEqualTo(2);
    }

    @Test
    void openedContentHashesToItsDigest() throws Exception {
        for (Descriptor d : store.walk(fx.root())) {
            Blob blob = store.open(d.digest()).orElseThrow();
            assertThat(blob.descriptor()).isEqualTo(d);
            byte[] bytes = readAll(d.digest());
            assertThat(bytes).hasSize((int) d.size());
            assertThat(hash(d.digest(), bytes)).isEqualTo(d.digest());
            Optional<Path> file = blob.file();
            if (file.isPresent()) {
                assertThat(hash(d.digest(), Files.readAllBytes(file.get()))).isEqualTo(d.digest());
            }
        }
    }

    @Test
    void openStreamAtAnOffsetReturnsTheTail() throws Exception {
        Descriptor largest = store.walk(fx.root()).stream()
                .max(java.util.Comparator.comparingLong(Descriptor::size))
                .orElseThrow();
        byte[] all = readAll(largest.digest());
        long offset = largest.size() / 2 + 1;
        try (InputStream in = store.open(largest.digest()).orElseThrow().openStream(offset)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, (int) offset, all.length));
        }
        try (InputStream in = store.open(largest.digest()).orElseThrow().openStream(largest.size())) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void unknownDigestIsEmpty() throws IOException {
        for (Digest unknown : List.of(Digest.sha256(new byte[0]), Digest.sha256("speglar-unknown".getBytes()))) {
            assertThat(store.descriptor(unknown)).isEmpty();
            assertThat(store.open(unknown)).isEmpty();
            assertThat(store.walk(unknown)).isEmpty();
        }
    }

    @Test
    void missingBlobIsSkippedByWalkAndNotServed() throws Exception {
        List<Descriptor> before = store.walk(fx.root());
        Descriptor victim = before.getLast();
        assertThat(ManifestChildren.hasChildren(victim.mediaType())).isFalse();
        fx.deleteBlob(victim.digest());
        await().atMost(changeTimeout()).untilAsserted(() -> {
            assertThat(store.descriptor(victim.digest())).isEmpty();
            assertThat(store.open(victim.digest())).isEmpty();
            assertThat(store.walk(fx.root())).containsExactlyElementsOf(before.subList(0, before.size() - 1));
        });
    }

    @Test
    void removedImageIsGonePromptlyAndSubscribersAreNotified() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        try (AutoCloseable sub = store.subscribe(changes::incrementAndGet)) {
            fx.removeImage();
            await().atMost(changeTimeout()).untilAsserted(() -> {
                assertThat(store.resolve(fx.tag())).isEmpty();
                assertThat(store.images())
                        .noneSatisfy(i -> assertThat(i.name().toString())
                                .isEqualTo(fx.tag().toString()));
                assertThat(changes).hasPositiveValue();
            });
        }
    }

    /** Reads content through {@link Blob#openStream(long)} from offset 0. */
    protected byte[] readAll(Digest d) throws IOException {
        try (InputStream in = store.open(d)
                .orElseThrow(() -> new AssertionError("not present: " + d))
                .openStream(0)) {
            return in.readAllBytes();
        }
    }

    protected static Digest hash(Digest like, byte[] bytes) throws Exception {
        byte[] h = MessageDigest.getInstance(like.jcaAlgorithm()).digest(bytes);
        return new Digest(like.algorithm(), HexFormat.of().formatHex(h));
    }
}

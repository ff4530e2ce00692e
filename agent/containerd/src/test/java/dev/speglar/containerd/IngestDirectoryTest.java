package dev.speglar.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Digest;
import dev.speglar.store.Arrival;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containerd's ingest directory layout as observed on containerd 1.6 ({@code ingest/<hash>/ref|total|data}). */
class IngestDirectoryTest {
    private static final Digest LAYER = Digest.parse("sha256:" + "ab".repeat(32));
    private static final Digest MANIFEST = Digest.parse("sha256:" + "cd".repeat(32));

    @TempDir
    Path root;

    private Path ingest(String name, String ref, String total, byte[] data) throws Exception {
        Path dir = Files.createDirectories(root.resolve("ingest").resolve(name));
        Files.writeString(dir.resolve("ref"), ref);
        if (total != null) {
            Files.writeString(dir.resolve("total"), total);
        }
        Files.write(dir.resolve("data"), data);
        return dir;
    }

    @Test
    void liveBlobIngestsAreReportedWithTheirExpectedSizeAndGrowingFile() throws Exception {
        Path dir = ingest("a1", "k8s.io/1/layer-" + LAYER, "1000", new byte[300]);
        ingest("b2", "k8s.io/2/manifest-" + MANIFEST, "500", new byte[10]);
        ingest("c3", "k8s.io/3/layer-not-a-digest", "10", new byte[1]);
        ingest("d4", "k8s.io/4/config-" + MANIFEST, null, new byte[1]); // no total: size unknown, not shareable
        IngestDirectory ingests = new IngestDirectory(root, Duration.ofSeconds(5));

        assertThat(ingests.arrivals()).singleElement().satisfies(a -> {
            assertThat(a.digest()).isEqualTo(LAYER);
            assertThat(a.total()).isEqualTo(1000);
            assertThat(a.size()).isEqualTo(300);
            assertThat(a.data()).isEqualTo(dir.resolve("data"));
        });
        assertThat(ingests.find(MANIFEST)).isEmpty();
    }

    @Test
    void anIngestThatStoppedGrowingIsNotAdvertisedButStillFoundAndOneThatVanishedIsGone() throws Exception {
        Path dir = ingest("a1", "k8s.io/1/layer-" + LAYER, "1000", new byte[300]);
        IngestDirectory ingests = new IngestDirectory(root, Duration.ofSeconds(5));
        assertThat(ingests.find(LAYER)).map(Arrival::total).contains(1000L);

        Files.setLastModifiedTime(
                dir.resolve("data"), FileTime.from(Instant.now().minusSeconds(30)));
        assertThat(ingests.arrivals()).isEmpty();
        assertThat(ingests.find(LAYER)).map(Arrival::size).contains(300L); // e.g. containerd resuming it

        Files.setLastModifiedTime(dir.resolve("data"), FileTime.from(Instant.now()));
        assertThat(ingests.arrivals()).hasSize(1);
        assertThat(ingests.find(LAYER)).isPresent();
        Files.delete(dir.resolve("data")); // committed: renamed into blobs/
        assertThat(ingests.find(LAYER)).isEmpty();
    }

    @Test
    void noIngestDirectoryMeansNothingArrives() {
        assertThat(new IngestDirectory(root.resolve("missing"), Duration.ofSeconds(5)).arrivals())
                .isEmpty();
    }
}

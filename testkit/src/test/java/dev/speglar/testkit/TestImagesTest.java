package dev.speglar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("real")
class TestImagesTest {
    @Test
    void buildsSingleAndMultiArchImagesWhoseDescriptorsMatchTheFiles() throws Exception {
        TestImages images = TestImages.shared();
        ImageFixture test = images.test();

        assertThat(test.layers()).hasSize(2);
        assertThat(test.manifest().mediaType()).isEqualTo(OciLayout.MANIFEST);
        for (BlobInfo blob : test.allBlobs()) {
            Path file = test.file(blob);
            assertThat(Files.size(file)).isEqualTo(blob.size());
            assertThat("sha256:" + OciLayout.sha256(file)).isEqualTo(blob.digest());
        }
        assertThat(Files.readString(test.file(test.config()))).contains("\"architecture\":\"amd64\"");
        // Layer 1 carries 1 MiB of random bytes, so it is large enough to be cut mid-transfer.
        assertThat(test.layers().getFirst().size()).isGreaterThan(1_000_000);

        IndexFixture multi = images.multi();
        assertThat(multi.index().mediaType()).isEqualTo(OciLayout.INDEX);
        assertThat(multi.platforms()).containsOnlyKeys("linux/amd64", "linux/arm64");
        assertThat(multi.platform("linux/amd64").manifest()).isEqualTo(test.manifest());
        ImageFixture arm = multi.platform("linux/arm64");
        assertThat(arm.manifest().digest()).isNotEqualTo(test.manifest().digest());
        assertThat(arm.layers()).isEqualTo(test.layers());
        assertThat(Files.readString(arm.file(arm.config()))).contains("\"architecture\":\"arm64\"");
        String index = Files.readString(images.layout().blob(multi.index().digest()));
        assertThat(index).contains(test.manifest().digest(), arm.manifest().digest());
    }

    @Test
    void generatesBigImagesAsValidTarLayersDeterministically(@TempDir Path tmp) throws Exception {
        OciLayout a = OciLayout.init(tmp.resolve("a"));
        OciLayout b = OciLayout.init(tmp.resolve("b"));
        ImageFixture big = BigImages.generate(a, "bench/big", "v1", 3, 3 * 1024 * 1024 + 7, 1);
        ImageFixture again = BigImages.generate(b, "bench/big", "v1", 3, 3 * 1024 * 1024 + 7, 1);

        assertThat(big.layers()).hasSize(3);
        assertThat(again.manifest()).isEqualTo(big.manifest());
        assertThat(a.resolve("v1")).isEqualTo(big.manifest());
        assertThat(a.image(big.manifest(), "bench/big", "v1")).isEqualTo(big);
        String listing = Exec.check(
                Duration.ofSeconds(10),
                "tar",
                "-tvf",
                big.file(big.layers().get(2)).toString());
        assertThat(listing)
                .contains("data/layer-2.bin")
                .contains(" 1048579 "); // 3 MiB + 7 split: rest in the last layer
    }
}

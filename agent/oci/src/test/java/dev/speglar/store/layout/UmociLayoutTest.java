package dev.speglar.store.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.MediaTypes;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.TestImages;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The layout store on a layout written by real tools (umoci, plus an index), as an operator would seed a node. */
@Tag("real")
class UmociLayoutTest {

    @Test
    void servesAnUmociBuiltLayout() throws Exception {
        TestImages images = TestImages.shared();
        try (OciLayoutStore store = OciLayoutStore.open(LayoutSource.parse(
                "registry.example/library/test=" + images.layout().dir()))) {
            ImageFixture test = images.test();
            Digest manifest = Digest.parse(test.manifest().digest());
            assertThat(store.resolve(ImageName.parse("registry.example/library/test:1.0")))
                    .contains(manifest);
            assertThat(store.resolve(ImageName.parse("registry.example/library/test:multi")))
                    .contains(Digest.parse(images.multi().index().digest()));
            List<Descriptor> walk = store.walk(manifest);
            // umoci omits mediaType inside its manifests; index.json's descriptor supplies it.
            assertThat(walk.getFirst().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(walk)
                    .extracting(d -> d.digest().toString())
                    .containsExactlyElementsOf(java.util.stream.Stream.concat(
                                    java.util.stream.Stream.of(test.manifest(), test.config()), test.layers().stream())
                            .map(b -> b.digest())
                            .toList());
            for (Descriptor d : walk) {
                var file = store.open(d.digest()).orElseThrow().file().orElseThrow();
                byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                assertThat("sha256:" + HexFormat.of().formatHex(h))
                        .isEqualTo(d.digest().toString());
                assertThat(Files.size(file)).isEqualTo(d.size());
            }
        }
    }
}

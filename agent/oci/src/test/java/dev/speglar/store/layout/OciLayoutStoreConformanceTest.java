package dev.speglar.store.layout;

import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.store.ContentStore;
import dev.speglar.store.ContentStoreConformance;
import dev.speglar.store.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutStoreConformanceTest extends ContentStoreConformance {
    @TempDir
    Path dir;

    @Override
    protected Fixture loadedStore() throws Exception {
        TestImage image = new TestImage();
        image.writeLayout(dir, Map.of("org.opencontainers.image.ref.name", "1.0"));
        OciLayoutStore s =
                new OciLayoutStore(LayoutSource.parse("registry.example:5000/team/app=" + dir), Duration.ofMillis(50));
        return new Fixture() {
            @Override
            public ContentStore store() {
                return s;
            }

            @Override
            public ImageName tag() {
                return ImageName.parse("registry.example:5000/team/app:1.0");
            }

            @Override
            public Digest root() {
                return image.index.digest();
            }

            @Override
            public void deleteBlob(Digest digest) throws Exception {
                Files.delete(dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex()));
            }

            @Override
            public void removeImage() throws Exception {
                TestImage.writeIndexJson(dir, List.of());
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }
}

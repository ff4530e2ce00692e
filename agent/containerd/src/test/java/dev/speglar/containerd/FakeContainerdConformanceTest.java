package dev.speglar.containerd;

import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.store.ContentStore;
import dev.speglar.store.ContentStoreConformance;
import dev.speglar.store.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The store conformance suite against the in-process fake, reading blobs through the API and from files. */
class FakeContainerdConformanceTest {
    static final String NAME = "registry.example:5000/team/app:1.0";

    static ContentStoreConformance.Fixture fixture(FakeContainerd fake, ContainerdStoreConfig config, Path contentRoot)
            throws Exception {
        TestImage image = new TestImage();
        for (byte[] b : image.blobs.values()) {
            fake.putContent("k8s.io", b);
            if (contentRoot != null) {
                Path p = contentRoot
                        .resolve("blobs/sha256")
                        .resolve(Digest.sha256(b).hex());
                Files.createDirectories(p.getParent());
                Files.write(p, b);
            }
        }
        // What a CRI pull leaves: the tag, the digest name and the bare config id.
        fake.putImage("k8s.io", NAME, image.index);
        fake.putImage("k8s.io", "registry.example:5000/team/app@" + image.index.digest(), image.index);
        fake.putImage("k8s.io", image.config.digest().toString(), image.config);
        ContainerdStore store = ContainerdStore.start(fake.client(), config);
        return new ContentStoreConformance.Fixture() {
            @Override
            public ContentStore store() {
                return store;
            }

            @Override
            public ImageName tag() {
                return ImageName.parse(NAME);
            }

            @Override
            public Digest root() {
                return image.index.digest();
            }

            @Override
            public void deleteBlob(Digest digest) throws Exception {
                if (contentRoot != null) {
                    Files.delete(contentRoot.resolve("blobs/sha256").resolve(digest.hex()));
                }
                fake.removeContent("k8s.io", digest);
            }

            @Override
            public void removeImage() {
                for (String n : List.copyOf(fake.images.get("k8s.io").keySet())) {
                    fake.removeImage("k8s.io", n);
                }
            }

            @Override
            public void close() {
                store.close();
                fake.close();
            }
        };
    }

    static ContainerdStoreConfig config() {
        return ContainerdStoreConfig.of(Path.of("/unused.sock"), List.of("k8s.io", "moby"));
    }

    @Nested
    class ApiReads extends ContentStoreConformance {
        @Override
        protected Fixture loadedStore() throws Exception {
            return fixture(new FakeContainerd(), config().withApiReadsOnly(), null);
        }
    }

    @Nested
    class FileReads extends ContentStoreConformance {
        @TempDir
        Path root;

        @Override
        protected Fixture loadedStore() throws Exception {
            FakeContainerd fake = new FakeContainerd();
            fake.contentRoot = root.toString();
            return fixture(fake, config(), root);
        }
    }
}

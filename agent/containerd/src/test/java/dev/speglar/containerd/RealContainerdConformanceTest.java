package dev.speglar.containerd;

import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.store.ContentStore;
import dev.speglar.store.ContentStoreConformance;
import dev.speglar.testkit.TestImages;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * The store conformance suite against a real containerd 1.6 that CRI-pulled a real multi-platform index from a real
 * registry; blobs are read from the content directory found through introspection.
 */
@Tag("real")
class RealContainerdConformanceTest extends ContentStoreConformance {

    @Override
    protected Fixture loadedStore() throws Exception {
        RealContainerd real = new RealContainerd();
        try {
            real.criPull(real.multiRef());
            ContainerdStore store =
                    ContainerdStore.start(ContainerdStoreConfig.of(real.daemon.socket(), List.of("k8s.io", "moby")));
            return new Fixture() {
                @Override
                public ContentStore store() {
                    return store;
                }

                @Override
                public ImageName tag() {
                    return ImageName.parse(real.multiRef());
                }

                @Override
                public Digest root() {
                    return Digest.parse(TestImages.shared().multi().index().digest());
                }

                @Override
                public void deleteBlob(Digest digest) {
                    real.ctr("k8s.io", "content", "rm", digest.toString());
                }

                @Override
                public void removeImage() throws Exception {
                    real.cri.removeImage(real.multiRef());
                }

                @Override
                public void close() {
                    store.close();
                    real.close();
                }
            };
        } catch (Exception | Error e) {
            real.close();
            throw e;
        }
    }
}

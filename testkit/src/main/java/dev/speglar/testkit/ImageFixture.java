package dev.speglar.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A single-platform image as built into an OCI layout: expected manifest, config and layer descriptors (digests computed
 * from the files). {@code repository} is like {@code library/test}.
 */
public record ImageFixture(
        String repository, String tag, BlobInfo manifest, BlobInfo config, List<BlobInfo> layers, Path layout) {
    public ImageFixture {
        layers = List.copyOf(layers);
    }

    /** Manifest, config and layers: every blob a full pull must transfer. */
    public List<BlobInfo> allBlobs() {
        List<BlobInfo> all = new ArrayList<>();
        all.add(manifest);
        all.add(config);
        all.addAll(layers);
        return all;
    }

    /** The file holding {@code blob} inside the layout. */
    public Path file(BlobInfo blob) {
        return layout.resolve("blobs/sha256").resolve(blob.hex());
    }

    /** "host:port/repository:tag" for a registry. */
    public String reference(String registryHostPort) {
        return registryHostPort + "/" + repository + ":" + tag;
    }
}

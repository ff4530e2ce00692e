package dev.speglar.containerd;

import dev.speglar.oci.Digest;
import dev.speglar.oci.InvalidReferenceException;
import java.util.Optional;

/**
 * The {@code ref} file of a containerd ingest, e.g. {@code k8s.io/1/layer-sha256:<hex>} (namespace, a sequence number,
 * then the fetcher's key {@code <kind>-<digest>}). Only blob kinds are shareable: manifests and indexes are small and
 * fetched by tag resolution, so they are left to the normal path.
 */
record IngestRef(String kind, Digest digest) {
    /** Parses a ref; empty for refs that name no digest or a manifest. */
    static Optional<IngestRef> parse(String ref) {
        String s = ref.strip();
        int slash = s.lastIndexOf('/');
        String key = slash < 0 ? s : s.substring(slash + 1);
        int dash = key.indexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        String kind = key.substring(0, dash);
        if (kind.equals("manifest") || kind.equals("index")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new IngestRef(kind, Digest.parse(key.substring(dash + 1))));
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }
}

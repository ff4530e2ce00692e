package dev.speglar.registry.http;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.store.ContentStore;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Looks a request up in the node's own store: the descriptor it would serve, or empty for a local miss. */
final class LocalContent {
    private static final Logger LOG = LoggerFactory.getLogger(LocalContent.class);

    private final ContentStore store;

    LocalContent(ContentStore store) {
        this.store = store;
    }

    /**
     * The descriptor of the content the request names. A tag whose manifest is not present counts as a miss (upstream
     * would answer 404 here; asking peers instead avoids the "tag hit, digest miss" pull loop).
     */
    Optional<Descriptor> find(DistributionRequest request) {
        try {
            Digest digest = request.digest();
            if (digest == null) {
                ImageName name = new ImageName(request.registry(), request.repository(), request.tag(), null);
                Optional<Digest> resolved = store.resolve(name);
                if (resolved.isEmpty()) {
                    return Optional.empty();
                }
                digest = resolved.get();
            }
            return store.descriptor(digest);
        } catch (IOException | RuntimeException e) {
            // A failing store must not turn into a 500: treat it as a miss so the client can go elsewhere.
            LOG.warn("store {} failed to look up {}: {}", store.name(), request.key(), e.toString());
            return Optional.empty();
        }
    }
}

package dev.speglar.registry.tags;

import dev.speglar.oci.Digest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Asks a tag's own registry which digest it names now. */
public interface UpstreamTags {
    /** Completes with the digest, empty when upstream answered without one, exceptionally when it could not be asked. */
    CompletableFuture<Optional<Digest>> digest(String registry, String repository, String tag);
}

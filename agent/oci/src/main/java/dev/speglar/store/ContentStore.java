package dev.speglar.store;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The read side of a node's image store (containerd, or an OCI image layout directory).
 *
 * <p>Answers come from an index the implementation keeps current; "not found" is an empty Optional, other failures
 * are {@link IOException}s. Implementations are thread-safe.
 */
public interface ContentStore extends AutoCloseable {

    /** Short name for logs and metrics, e.g. {@code containerd} or {@code oci-layout}. */
    String name();

    /** Every image record currently held, in every configured namespace. */
    List<Image> images() throws IOException;

    /** Resolves a tagged name ({@code registry/repo:tag}) to the digest of its manifest or index. */
    Optional<Digest> resolve(ImageName tagged) throws IOException;

    /** Digest, media type and size of present content. */
    Optional<Descriptor> descriptor(Digest digest) throws IOException;

    /** Opens present content. */
    Optional<Blob> open(Digest digest) throws IOException;

    /**
     * Every present descriptor reachable from {@code root} (index → manifests → config and layers), root first.
     * Missing content is skipped together with its children, so only servable digests are returned.
     */
    List<Descriptor> walk(Digest root) throws IOException;

    /**
     * Registers {@code onChange}, called (on a store thread) after the set of images or content changed, including
     * after a reconnect that re-listed everything. Closing the handle unregisters it.
     */
    AutoCloseable subscribe(Runnable onChange);

    @Override
    void close() throws IOException;
}

package dev.speglar.registry;

import dev.speglar.oci.Digest;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed read request of the distribution API: {@code GET|HEAD /v2/<repository>/(manifests|blobs)/<reference>}.
 *
 * @param head true for HEAD
 * @param kind manifest or blob
 * @param repository repository name, validated
 * @param registry the registry the client pulls from ({@code ns} query parameter, or the default registry); may be
 *     empty only for digest requests
 * @param tag the tag, or null for digest requests
 * @param digest the digest, or null for tag requests
 * @param range the requested byte range (blobs only)
 * @param mirrored true when another node forwarded it ({@code X-Spegel-Mirrored: true}); never forwarded again
 */
public record DistributionRequest(
        boolean head,
        Kind kind,
        String repository,
        String registry,
        String tag,
        Digest digest,
        Optional<ByteRange> range,
        boolean mirrored) {

    public enum Kind {
        MANIFEST("manifests"),
        BLOB("blobs");

        private final String path;

        Kind(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    public DistributionRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(range, "range");
        if ((tag == null) == (digest == null)) {
            throw new IllegalArgumentException("exactly one of tag and digest");
        }
        if (kind == Kind.BLOB && tag != null) {
            throw new IllegalArgumentException("blobs are addressed by digest");
        }
    }

    /** The routing key: the digest string, or {@code registry/repo:tag}. */
    public String key() {
        return digest != null ? digest.toString() : registry + "/" + repository + ":" + tag;
    }

    /** The reference part of the path: tag or digest. */
    public String reference() {
        return digest != null ? digest.toString() : tag;
    }

    /** Path and query to forward to a peer, always carrying {@code ns}. */
    public String forwardPathAndQuery() {
        return "/v2/" + repository + "/" + kind.path() + "/" + reference() + "?ns="
                + java.net.URLEncoder.encode(registry, java.nio.charset.StandardCharsets.UTF_8);
    }

    public DistributionRequest withRange(ByteRange r) {
        return new DistributionRequest(head, kind, repository, registry, tag, digest, Optional.of(r), mirrored);
    }
}

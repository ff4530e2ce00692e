package dev.speglar.oci;

import java.util.Objects;

/** What a store knows about one piece of content: its digest, media type and size in bytes. */
public record Descriptor(Digest digest, String mediaType, long size) {
    public Descriptor {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }
}

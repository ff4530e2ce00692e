package dev.speglar.testkit;

import java.util.Objects;
import java.util.regex.Pattern;

/** An OCI descriptor as the fixtures expect to see it served: digest, size, media type. */
public record BlobInfo(String digest, long size, String mediaType) {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    public BlobInfo {
        Objects.requireNonNull(mediaType, "mediaType");
        if (!SHA256.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }

    /** The hex part, i.e. the file name under blobs/sha256/. */
    public String hex() {
        return digest.substring("sha256:".length());
    }
}

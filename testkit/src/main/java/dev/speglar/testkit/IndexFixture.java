package dev.speglar.testkit;

import java.util.Map;

/** A multi-platform image: the OCI index and, per platform ("linux/amd64"), the image it points to. */
public record IndexFixture(String repository, String tag, BlobInfo index, Map<String, ImageFixture> platforms) {
    public IndexFixture {
        platforms = Map.copyOf(platforms);
    }

    public ImageFixture platform(String osArch) {
        ImageFixture f = platforms.get(osArch);
        if (f == null) {
            throw new IllegalArgumentException("no platform " + osArch + " in " + platforms.keySet());
        }
        return f;
    }

    public String reference(String registryHostPort) {
        return registryHostPort + "/" + repository + ":" + tag;
    }
}

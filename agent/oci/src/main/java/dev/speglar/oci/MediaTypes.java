package dev.speglar.oci;

import java.util.Set;

/** Media types the mirror cares about. */
public final class MediaTypes {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String OCTET_STREAM = "application/octet-stream";

    /** The four manifest types served under {@code /manifests/} (not schema1, not the OCI artifact manifest). */
    public static final Set<String> MANIFESTS = Set.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

    public static boolean isManifest(String mediaType) {
        return mediaType != null && MANIFESTS.contains(mediaType);
    }

    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }

    private MediaTypes() {}
}

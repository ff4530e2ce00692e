package dev.speglar.store.manifest;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.common.json.Json;
import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.InvalidReferenceException;
import dev.speglar.oci.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child descriptors of a manifest or index: index → {@code manifests}, manifest → {@code config} then
 * {@code layers}. Each child carries the media type its parent declares, which is how stores learn the media type
 * of content that containerd or a layout directory stores without one.
 */
public final class ManifestChildren {
    /** Manifests larger than this are refused; registries cap manifests at 4 MiB too. */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private static final String DEFAULT_LAYER = "application/vnd.oci.image.layer.v1.tar";

    /** Whether content of this media type has children worth walking. */
    public static boolean hasChildren(String mediaType) {
        return MediaTypes.isManifest(mediaType);
    }

    /** Parses {@code json}, the bytes of content of media type {@code mediaType}, into its child descriptors. */
    public static List<Descriptor> of(String mediaType, byte[] json) throws InvalidJsonException {
        if (json.length > MAX_MANIFEST_BYTES) {
            throw new InvalidJsonException("manifest larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        Map<String, Object> m = Json.parseObject(json);
        List<Descriptor> out = new ArrayList<>();
        if (MediaTypes.isIndex(mediaType) || m.containsKey("manifests")) {
            for (Object o : list(m.get("manifests"), "manifests")) {
                out.add(descriptor(o, MediaTypes.OCI_MANIFEST));
            }
            return List.copyOf(out);
        }
        if (m.containsKey("config")) {
            out.add(descriptor(m.get("config"), MediaTypes.OCI_CONFIG));
        }
        for (Object o : list(m.getOrDefault("layers", List.of()), "layers")) {
            out.add(descriptor(o, DEFAULT_LAYER));
        }
        return List.copyOf(out);
    }

    /** Reads one OCI descriptor object; {@code defaultMediaType} fills an absent {@code mediaType}. */
    public static Descriptor descriptor(Object o, String defaultMediaType) throws InvalidJsonException {
        if (!(o instanceof Map<?, ?> d)) {
            throw new InvalidJsonException("descriptor is not an object");
        }
        if (!(d.get("digest") instanceof String digest)) {
            throw new InvalidJsonException("descriptor without digest");
        }
        if (!(d.get("size") instanceof Long size) || size < 0) {
            throw new InvalidJsonException("descriptor without a valid size");
        }
        String mediaType = d.get("mediaType") instanceof String s && !s.isEmpty() ? s : defaultMediaType;
        try {
            return new Descriptor(Digest.parse(digest), mediaType, size);
        } catch (InvalidReferenceException e) {
            throw new InvalidJsonException("descriptor digest: " + e.getMessage());
        }
    }

    private static List<?> list(Object o, String key) throws InvalidJsonException {
        if (!(o instanceof List<?> l)) {
            throw new InvalidJsonException("'" + key + "' is not an array");
        }
        return l;
    }

    private ManifestChildren() {}
}

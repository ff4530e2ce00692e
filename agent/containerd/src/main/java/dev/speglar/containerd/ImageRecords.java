package dev.speglar.containerd;

import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.InvalidReferenceException;
import dev.speglar.store.Image;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps containerd image records to store {@link Image}s. */
final class ImageRecords {
    private static final Logger log = LoggerFactory.getLogger(ImageRecords.class);

    /** Only names with a '/': excludes the CRI's bare {@code sha256:<config>} records. */
    static final String NAME_FILTER = "name~=\"^.+/\"";

    /**
     * Parses one record. Unlike upstream, an unparsable name skips that record only (upstream fails the whole listing,
     * and with it startup).
     */
    static Optional<Image> toImage(String namespace, dev.speglar.containerd.api.images.Image record) {
        try {
            Digest target = Digest.parse(record.getTarget().getDigest());
            ImageName name = ImageName.parse(record.getName());
            if (name.digest() != null && !name.digest().equals(target)) {
                log.warn(
                        "containerd image {} in {} points at {}, not at its own digest; skipped",
                        record.getName(),
                        namespace,
                        target);
                return Optional.empty();
            }
            return Optional.of(new Image(namespace, name, target));
        } catch (InvalidReferenceException e) {
            log.warn("containerd image '{}' in {} skipped: {}", record.getName(), namespace, e.getMessage());
            return Optional.empty();
        }
    }

    /** Drops digest-only names whose digest also has a tagged name (CRI pulls create both). */
    static List<Image> dropRedundantDigestNames(List<Image> images) {
        Set<Digest> tagged = new HashSet<>();
        for (Image i : images) {
            if (i.name().tag() != null) {
                tagged.add(i.target());
            }
        }
        List<Image> out = new ArrayList<>();
        for (Image i : images) {
            if (i.name().tag() != null || !tagged.contains(i.target())) {
                out.add(i);
            }
        }
        return out;
    }

    private ImageRecords() {}
}

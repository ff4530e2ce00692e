package dev.speglar.store.layout;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.common.json.Json;
import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.InvalidReferenceException;
import dev.speglar.oci.MediaTypes;
import dev.speglar.store.Image;
import dev.speglar.store.manifest.DescriptorWalker;
import dev.speglar.store.manifest.ManifestChildren;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads {@code index.json} and walks every entry into a {@link LayoutIndex}. Naming rules: {@link LayoutSource}. */
final class LayoutIndexReader {
    private static final Logger log = LoggerFactory.getLogger(LayoutIndexReader.class);
    static final String CONTAINERD_NAME = "io.containerd.image.name";
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** index.json lists every image of the directory; a few MiB is thousands of entries. */
    private static final long MAX_INDEX_JSON = 16L * 1024 * 1024;

    private final LayoutSource source;
    private final DescriptorWalker walker;

    LayoutIndexReader(LayoutSource source, DescriptorWalker walker) {
        this.source = source;
        this.walker = walker;
    }

    LayoutIndex read() throws IOException {
        Path indexJson = source.dir().resolve("index.json");
        byte[] bytes;
        try {
            if (Files.size(indexJson) > MAX_INDEX_JSON) {
                throw new InvalidJsonException(indexJson + " is larger than " + MAX_INDEX_JSON + " bytes");
            }
            bytes = Files.readAllBytes(indexJson);
        } catch (NoSuchFileException e) {
            return LayoutIndex.EMPTY;
        }
        Map<String, Object> index = Json.parseObject(bytes);
        if (!(index.getOrDefault("manifests", List.of()) instanceof List<?> entries)) {
            throw new InvalidJsonException(indexJson + ": 'manifests' is not an array");
        }
        List<Image> images = new ArrayList<>();
        Map<String, Digest> tags = new LinkedHashMap<>();
        Map<Digest, String> mediaTypes = new HashMap<>();
        for (Object entry : entries) {
            Descriptor root;
            List<Descriptor> tree;
            try {
                root = ManifestChildren.descriptor(entry, MediaTypes.OCI_MANIFEST);
                tree = walker.walk(root);
            } catch (InvalidJsonException e) {
                // One broken entry or manifest must not hide the rest of the directory.
                log.warn("{}: index.json entry skipped: {}", source, e.getMessage());
                continue;
            }
            if (tree.isEmpty()) {
                continue; // root blob missing: nothing of this entry is servable
            }
            for (Descriptor d : tree) {
                mediaTypes.putIfAbsent(d.digest(), d.mediaType());
            }
            Optional<ImageName> name = name((Map<?, ?>) entry, root.digest());
            if (name.isEmpty()) {
                continue;
            }
            images.add(new Image(source.namespace(), name.get(), root.digest()));
            if (name.get().tag() != null) {
                tags.putIfAbsent(name.get().tagName(), root.digest());
            }
        }
        return new LayoutIndex(images, tags, mediaTypes);
    }

    private Optional<ImageName> name(Map<?, ?> entry, Digest digest) {
        Map<?, ?> ann = entry.get("annotations") instanceof Map<?, ?> m ? m : Map.of();
        try {
            if (ann.get(CONTAINERD_NAME) instanceof String full && !full.isEmpty()) {
                return Optional.of(withoutDigest(ImageName.parseNormalized(full), digest));
            }
            if (ann.get(REF_NAME) instanceof String ref && !ref.isEmpty()) {
                if (ref.contains("/")) {
                    return Optional.of(withoutDigest(ImageName.parse(ref), digest));
                }
                Optional<ImageName> tagged = source.tagged(ref);
                if (tagged.isEmpty()) {
                    log.warn(
                            "{}: entry {} named '{}' but the layout has no repository (give it as registry/repo=path)",
                            source,
                            digest,
                            ref);
                }
                return tagged;
            }
        } catch (InvalidReferenceException e) {
            log.warn("{}: entry {} has an invalid name: {}", source, digest, e.getMessage());
            return Optional.empty();
        }
        return source.digestOnly(digest);
    }

    /** A name read from an annotation names the entry; a digest inside it would be redundant or contradictory. */
    private static ImageName withoutDigest(ImageName n, Digest digest) {
        return n.tag() == null ? n.withDigest(digest) : new ImageName(n.registry(), n.repository(), n.tag(), null);
    }
}

package dev.speglar.store.layout;

import dev.speglar.oci.Digest;
import dev.speglar.store.Image;
import java.util.List;
import java.util.Map;

/**
 * One immutable view of a layout directory: the image records named by {@code index.json}, tag → root digest, and the
 * media type of every digest reachable from an entry (as declared by its parent descriptor).
 */
record LayoutIndex(List<Image> images, Map<String, Digest> tags, Map<Digest, String> mediaTypes) {
    static final LayoutIndex EMPTY = new LayoutIndex(List.of(), Map.of(), Map.of());

    LayoutIndex {
        images = List.copyOf(images);
        tags = Map.copyOf(tags);
        mediaTypes = Map.copyOf(mediaTypes);
    }
}

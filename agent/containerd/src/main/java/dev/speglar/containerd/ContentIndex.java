package dev.speglar.containerd;

import dev.speglar.oci.Digest;
import dev.speglar.store.Image;
import java.util.List;
import java.util.Map;

/**
 * One immutable view of the configured containerd namespaces: image records, tag → root digest (only roots that are
 * present), every present content digest with the namespace holding it, and the media types learnt by walking the
 * images. Rebuilt as a whole and swapped atomically, so readers never see half an update.
 */
record ContentIndex(
        List<Image> images, Map<String, Digest> tags, Map<Digest, Content> content, Map<Digest, String> mediaTypes) {

    /** Present content: size and the first configured namespace that holds it. */
    record Content(String namespace, long size) {}

    static final ContentIndex EMPTY = new ContentIndex(List.of(), Map.of(), Map.of(), Map.of());

    ContentIndex {
        images = List.copyOf(images);
        tags = Map.copyOf(tags);
        content = Map.copyOf(content);
        mediaTypes = Map.copyOf(mediaTypes);
    }
}

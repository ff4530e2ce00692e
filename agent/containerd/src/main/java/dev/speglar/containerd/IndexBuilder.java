package dev.speglar.containerd;

import dev.speglar.containerd.api.content.Info;
import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.InvalidReferenceException;
import dev.speglar.store.Image;
import dev.speglar.store.manifest.DescriptorWalker;
import dev.speglar.store.manifest.ManifestChildren;
import dev.speglar.store.support.BoundedCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists content and images of every configured namespace (two calls per namespace) and walks each image tree to learn
 * media types. Manifest children are cached by digest, so a rebuild only reads manifests it has not seen before;
 * this makes "rebuild on every event" cheap enough that no event needs incremental handling (and no event race, like
 * upstream's label polling, can leave the index wrong).
 */
final class IndexBuilder {
    private static final Logger log = LoggerFactory.getLogger(IndexBuilder.class);

    private final ContainerdClient client;
    private final List<String> namespaces;
    private final BlobOpener opener;
    private final BoundedCache<Digest, List<Descriptor>> children;

    IndexBuilder(
            ContainerdClient client,
            List<String> namespaces,
            BlobOpener opener,
            BoundedCache<Digest, List<Descriptor>> children) {
        this.client = client;
        this.namespaces = List.copyOf(namespaces);
        this.opener = opener;
        this.children = children;
    }

    ContentIndex build() throws IOException {
        Map<Digest, ContentIndex.Content> content = new LinkedHashMap<>();
        for (String ns : namespaces) {
            for (Info info : client.listContent(ns)) {
                try {
                    content.putIfAbsent(Digest.parse(info.getDigest()), new ContentIndex.Content(ns, info.getSize()));
                } catch (InvalidReferenceException e) {
                    log.debug("content {} in {} skipped: {}", info.getDigest(), ns, e.getMessage());
                }
            }
        }
        DescriptorWalker walker = walker(content);
        List<Image> images = new ArrayList<>();
        Map<String, Digest> tags = new LinkedHashMap<>();
        Map<Digest, String> mediaTypes = new HashMap<>();
        for (String ns : namespaces) {
            for (var record : client.listImages(ns, List.of(ImageRecords.NAME_FILTER))) {
                var image = ImageRecords.toImage(ns, record);
                if (image.isEmpty() || !content.containsKey(image.get().target())) {
                    continue; // a record whose root content is gone is not servable
                }
                Image i = image.get();
                Descriptor root = new Descriptor(
                        i.target(),
                        record.getTarget().getMediaType(),
                        content.get(i.target()).size());
                try {
                    for (Descriptor d : walker.walk(root)) {
                        mediaTypes.putIfAbsent(d.digest(), d.mediaType());
                    }
                } catch (IOException e) {
                    // A malformed manifest or a read failure: keep the root, its children stay unknown until the next
                    // rebuild.
                    log.warn("could not walk {} in {}: {}", i.name(), ns, e.toString());
                    mediaTypes.putIfAbsent(root.digest(), root.mediaType());
                }
                images.add(i);
                if (i.name().tag() != null) {
                    tags.putIfAbsent(i.name().tagName(), i.target());
                }
            }
        }
        return new ContentIndex(ImageRecords.dropRedundantDigestNames(images), tags, content, mediaTypes);
    }

    /** A walker over a content set: presence from the set, manifests read in the namespace holding them. */
    DescriptorWalker walker(Map<Digest, ContentIndex.Content> content) {
        return new DescriptorWalker(
                new DescriptorWalker.Source() {
                    @Override
                    public boolean present(Digest digest) {
                        return content.containsKey(digest);
                    }

                    @Override
                    public byte[] readManifest(Digest digest) throws IOException {
                        return opener.readPrefix(
                                digest, content.get(digest).namespace(), ManifestChildren.MAX_MANIFEST_BYTES + 1);
                    }
                },
                children);
    }
}

package dev.speglar.store.manifest;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.store.support.BoundedCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Depth-first walk of an image tree, root first: index → manifests → config and layers. Missing content is skipped
 * together with its children, so the result lists exactly the servable digests (a CRI pull keeps one platform of a
 * multi-platform index; the other platforms' manifests are absent).
 */
public final class DescriptorWalker {

    /** Where a walk looks content up. */
    public interface Source {
        /** Whether the content is present (servable) right now. */
        boolean present(Digest digest) throws IOException;

        /** Reads present content, at most {@link ManifestChildren#MAX_MANIFEST_BYTES} bytes. */
        byte[] readManifest(Digest digest) throws IOException;
    }

    private final Source source;
    private final BoundedCache<Digest, List<Descriptor>> cache;

    public DescriptorWalker(Source source, BoundedCache<Digest, List<Descriptor>> cache) {
        this.source = source;
        this.cache = cache;
    }

    /** Every present descriptor reachable from {@code root}, root first; empty if the root itself is missing. */
    public List<Descriptor> walk(Descriptor root) throws IOException {
        List<Descriptor> out = new ArrayList<>();
        visit(root, out, new HashSet<>(), 0);
        return out;
    }

    private void visit(Descriptor d, List<Descriptor> out, Set<Digest> seen, int depth) throws IOException {
        // Depth bound: real trees are 3 levels; a malicious index nesting itself must not recurse forever.
        if (depth > 8 || !seen.add(d.digest()) || !source.present(d.digest())) {
            return;
        }
        out.add(d);
        for (Descriptor child : children(d)) {
            visit(child, out, seen, depth + 1);
        }
    }

    /** The children of present content {@code d}; empty for blobs. Parse results are cached (content is immutable). */
    public List<Descriptor> children(Descriptor d) throws IOException {
        if (!ManifestChildren.hasChildren(d.mediaType()) || d.size() > ManifestChildren.MAX_MANIFEST_BYTES) {
            return List.of();
        }
        List<Descriptor> cached = cache.get(d.digest());
        if (cached != null) {
            return cached;
        }
        byte[] bytes = source.readManifest(d.digest());
        List<Descriptor> children = ManifestChildren.of(d.mediaType(), bytes);
        cache.put(d.digest(), children);
        return children;
    }
}

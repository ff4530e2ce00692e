package dev.speglar.agent.store;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.store.Blob;
import dev.speglar.store.ContentStore;
import dev.speglar.store.Image;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Several stores seen as one (e.g. several OCI layout directories); the first store holding something answers. */
public final class MultiStore implements ContentStore {
    private final List<ContentStore> stores;

    public MultiStore(List<ContentStore> stores) {
        this.stores = List.copyOf(stores);
    }

    @Override
    public String name() {
        return stores.getFirst().name();
    }

    @Override
    public List<Image> images() throws IOException {
        List<Image> all = new ArrayList<>();
        for (ContentStore s : stores) {
            all.addAll(s.images());
        }
        return all;
    }

    @Override
    public Optional<Digest> resolve(ImageName tagged) throws IOException {
        return first(s -> s.resolve(tagged));
    }

    @Override
    public Optional<Descriptor> descriptor(Digest digest) throws IOException {
        return first(s -> s.descriptor(digest));
    }

    @Override
    public Optional<Blob> open(Digest digest) throws IOException {
        return first(s -> s.open(digest));
    }

    @Override
    public List<Descriptor> walk(Digest root) throws IOException {
        for (ContentStore s : stores) {
            List<Descriptor> w = s.walk(root);
            if (!w.isEmpty()) {
                return w;
            }
        }
        return List.of();
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        List<AutoCloseable> subs = new ArrayList<>();
        for (ContentStore s : stores) {
            subs.add(s.subscribe(onChange));
        }
        return () -> {
            for (AutoCloseable c : subs) {
                c.close();
            }
        };
    }

    @Override
    public void close() throws IOException {
        for (ContentStore s : stores) {
            s.close();
        }
    }

    /** A lookup that may fail with I/O. */
    private interface Lookup<T> {
        Optional<T> in(ContentStore store) throws IOException;
    }

    /** The first store's answer, in the order the stores were given. */
    private <T> Optional<T> first(Lookup<T> lookup) throws IOException {
        for (ContentStore s : stores) {
            Optional<T> found = lookup.in(s);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}

package dev.speglar.registry.testing;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.store.Blob;
import dev.speglar.store.ContentStore;
import dev.speglar.store.Image;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link ContentStore}. With a directory, blobs are also written to files so the server can use
 * sendfile; without one, only {@link Blob#openStream} is available.
 */
public class FakeContentStore implements ContentStore {
    private final Path dir;
    private final Map<Digest, Descriptor> descriptors = new ConcurrentHashMap<>();
    private final Map<Digest, byte[]> bytes = new ConcurrentHashMap<>();
    private final Map<String, Digest> tags = new ConcurrentHashMap<>();
    private final List<Image> images = new ArrayList<>();
    public final AtomicInteger opens = new AtomicInteger();

    /** @param dir where to keep blob files, or null for stream-only blobs */
    public FakeContentStore(Path dir) {
        this.dir = dir;
    }

    public Descriptor add(String mediaType, byte[] content) {
        Digest d = Digest.sha256(content);
        Descriptor desc = new Descriptor(d, mediaType, content.length);
        descriptors.put(d, desc);
        bytes.put(d, content.clone());
        if (dir != null) {
            try {
                Files.write(dir.resolve(d.hex()), content);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return desc;
    }

    /** Registers {@code registry/repo:tag} → digest, as an image record. */
    public synchronized void tag(String taggedName, Digest target) {
        ImageName name = ImageName.parse(taggedName);
        tags.put(name.tagName(), target);
        images.add(new Image("k8s.io", name, target));
    }

    /** Forgets the bytes but keeps the descriptor: an index that is ahead of the content. */
    public void dropBytes(Digest d) {
        bytes.remove(d);
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve(d.hex()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public synchronized List<Image> images() {
        return List.copyOf(images);
    }

    @Override
    public Optional<Digest> resolve(ImageName tagged) {
        return Optional.ofNullable(tags.get(tagged.tagName()));
    }

    @Override
    public Optional<Descriptor> descriptor(Digest digest) {
        return Optional.ofNullable(descriptors.get(digest));
    }

    @Override
    public Optional<Blob> open(Digest digest) {
        Descriptor desc = descriptors.get(digest);
        byte[] content = bytes.get(digest);
        if (desc == null || content == null) {
            return Optional.empty();
        }
        opens.incrementAndGet();
        Optional<Path> file = dir == null ? Optional.empty() : Optional.of(dir.resolve(digest.hex()));
        return Optional.of(new Blob() {
            @Override
            public Descriptor descriptor() {
                return desc;
            }

            @Override
            public Optional<Path> file() {
                return file;
            }

            @Override
            public InputStream openStream(long offset) throws IOException {
                InputStream in = new ByteArrayInputStream(content);
                in.skipNBytes(Math.min(offset, content.length));
                return in;
            }
        });
    }

    @Override
    public List<Descriptor> walk(Digest root) {
        return descriptor(root).map(List::of).orElse(List.of());
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        return () -> {};
    }

    @Override
    public void close() {}
}

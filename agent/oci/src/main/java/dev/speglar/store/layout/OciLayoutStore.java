package dev.speglar.store.layout;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.MediaTypes;
import dev.speglar.store.Blob;
import dev.speglar.store.ContentStore;
import dev.speglar.store.Image;
import dev.speglar.store.manifest.DescriptorWalker;
import dev.speglar.store.manifest.ManifestChildren;
import dev.speglar.store.manifest.MediaTypeSniffer;
import dev.speglar.store.support.BoundedCache;
import dev.speglar.store.support.FileBlob;
import dev.speglar.store.support.Subscribers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ContentStore} over an OCI image layout directory ({@code oci-layout}, {@code index.json},
 * {@code blobs/<alg>/<hex>}): no daemon, no root. The demo's default store, and a way to seed air-gapped nodes.
 *
 * <p>Image names come from index.json annotations and the source's repository (rules: {@link LayoutSource}). The
 * directory is polled every {@code pollInterval}; a change of index.json or of a blobs directory re-reads the index and
 * notifies subscribers. Blob presence is checked on every call, so a deleted blob is never served.
 */
public final class OciLayoutStore implements ContentStore {
    private static final Logger log = LoggerFactory.getLogger(OciLayoutStore.class);
    public static final Duration DEFAULT_POLL = Duration.ofMillis(500);

    private final LayoutSource source;
    private final DescriptorWalker walker;
    private final LayoutIndexReader reader;
    private final BoundedCache<Digest, String> sniffed = new BoundedCache<>(1024);
    private final Subscribers subscribers = new Subscribers();
    private final ScheduledExecutorService poller;
    private volatile LayoutIndex index;
    private LayoutStamp stamp;

    /** Opens {@code source} with the default poll interval. */
    public static OciLayoutStore open(LayoutSource source) throws IOException {
        return new OciLayoutStore(source, DEFAULT_POLL);
    }

    /** Reads the layout now (failing on a missing directory or a malformed index.json), then polls for changes. */
    public OciLayoutStore(LayoutSource source, Duration pollInterval) throws IOException {
        this.source = Objects.requireNonNull(source, "source");
        if (pollInterval.isNegative() || pollInterval.isZero() || pollInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("poll interval must be in (0, 1 min]: " + pollInterval);
        }
        if (!Files.isDirectory(source.dir())) {
            throw new NoSuchFileException(source.dir().toString(), null, "OCI layout directory does not exist");
        }
        this.walker = new DescriptorWalker(new LayoutSourceAdapter(), new BoundedCache<>(4096));
        this.reader = new LayoutIndexReader(source, walker);
        this.stamp = LayoutStamp.of(source.dir());
        this.index = reader.read();
        this.poller = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("speglar-oci-layout").factory());
        long ms = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            LayoutStamp now = LayoutStamp.of(source.dir());
            if (now.equals(stamp)) {
                return;
            }
            stamp = now;
            index = reader.read();
            subscribers.fire();
        } catch (IOException | RuntimeException e) {
            // Keep serving the last good index: a half-written index.json is fixed by the writer's next rename.
            log.warn("{}: could not re-read the layout, keeping the previous index: {}", source, e.toString());
        }
    }

    @Override
    public String name() {
        return "oci-layout";
    }

    @Override
    public List<Image> images() {
        return index.images();
    }

    @Override
    public Optional<Digest> resolve(ImageName tagged) {
        if (tagged.tag() == null) {
            return Optional.empty();
        }
        Digest d = index.tags().get(tagged.tagName());
        return d != null && Files.isRegularFile(blobPath(d)) ? Optional.of(d) : Optional.empty();
    }

    @Override
    public Optional<Descriptor> descriptor(Digest digest) throws IOException {
        Path p = blobPath(digest);
        long size;
        try {
            size = Files.size(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String mediaType = index.mediaTypes().get(digest);
        if (mediaType == null) {
            mediaType = sniff(digest, p, size);
            if (mediaType == null) {
                return Optional.empty();
            }
        }
        return Optional.of(new Descriptor(digest, mediaType, size));
    }

    private String sniff(Digest digest, Path p, long size) throws IOException {
        if (size > MediaTypeSniffer.MAX_SNIFF_BYTES) {
            return MediaTypes.OCTET_STREAM;
        }
        String cached = sniffed.get(digest);
        if (cached == null) {
            try {
                cached = MediaTypeSniffer.sniff(Files.readAllBytes(p)).orElse(null);
            } catch (NoSuchFileException e) {
                return null;
            }
            if (cached != null) {
                sniffed.put(digest, cached);
            }
        }
        return cached;
    }

    @Override
    public Optional<Blob> open(Digest digest) throws IOException {
        return descriptor(digest).map(d -> new FileBlob(d, blobPath(digest)));
    }

    @Override
    public List<Descriptor> walk(Digest root) throws IOException {
        Optional<Descriptor> d = descriptor(root);
        return d.isEmpty() ? List.of() : walker.walk(d.get());
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        return subscribers.add(onChange);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    private Path blobPath(Digest d) {
        return source.dir().resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    /** Walks read straight from the blob files. */
    private final class LayoutSourceAdapter implements DescriptorWalker.Source {
        @Override
        public boolean present(Digest digest) {
            return Files.isRegularFile(blobPath(digest));
        }

        @Override
        public byte[] readManifest(Digest digest) throws IOException {
            try (InputStream in = Files.newInputStream(blobPath(digest))) {
                return in.readNBytes(ManifestChildren.MAX_MANIFEST_BYTES + 1);
            }
        }
    }
}

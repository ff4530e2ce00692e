package dev.speglar.containerd;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.MediaTypes;
import dev.speglar.store.Blob;
import dev.speglar.store.ContentStore;
import dev.speglar.store.Image;
import dev.speglar.store.manifest.MediaTypeSniffer;
import dev.speglar.store.support.BoundedCache;
import dev.speglar.store.support.Subscribers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The containerd {@link ContentStore}: answers from an in-memory index of the configured namespaces that events keep
 * current (see {@link IndexMaintainer}); reads blobs from containerd's content directory when visible, else through
 * the content API.
 *
 * <p>Media types come from the image records and manifest trees; content no image reaches is fingerprinted like
 * upstream ({@link MediaTypeSniffer}; larger than 4 MiB → octet-stream).
 */
public final class ContainerdStore implements ContentStore {
    private final ContainerdClient client;
    private final IndexMaintainer maintainer;
    private final IndexBuilder builder;
    private final BlobOpener opener;
    private final Subscribers subscribers = new Subscribers();
    private final BoundedCache<Digest, String> sniffed = new BoundedCache<>(1024);

    private ContainerdStore(ContainerdClient client, ContainerdStoreConfig config) {
        this.client = client;
        Path contentPath = switch (config.contentAccess()) {
            case PATH -> config.contentPath();
            case DISCOVER -> ContentPathDiscovery.discover(client);
            case API -> null;
        };
        this.opener = new BlobOpener(client, contentPath);
        this.builder = new IndexBuilder(client, config.namespaces(), opener, new BoundedCache<>(8192));
        this.maintainer = new IndexMaintainer(client, builder, config.namespaces(), subscribers, config.maxBackoff());
    }

    /**
     * Connects to {@code config.socket()}, lists every namespace and starts following events. Fails with a
     * {@link ContainerdException} (code UNAVAILABLE when nothing listens) if containerd cannot be listed now; once
     * started, the store survives containerd restarts.
     */
    public static ContainerdStore start(ContainerdStoreConfig config) throws IOException {
        return start(ContainerdClient.connect(config.socket(), config.callTimeout()), config);
    }

    /** As {@link #start(ContainerdStoreConfig)} over an existing client, which the store then owns. */
    public static ContainerdStore start(ContainerdClient client, ContainerdStoreConfig config) throws IOException {
        ContainerdStore s = new ContainerdStore(client, config);
        try {
            s.maintainer.start(config.resyncInterval());
        } catch (ContainerdException e) {
            client.close();
            ContainerdException clear = new ContainerdException(
                    "cannot list containerd at " + config.socket() + " (namespaces " + config.namespaces() + "): "
                            + e.getMessage(),
                    e.code());
            clear.initCause(e);
            throw clear;
        } catch (IOException e) {
            client.close();
            throw e;
        }
        return s;
    }

    /** The content directory blobs are read from, or empty when reading through the API. */
    public Optional<Path> contentPath() {
        return Optional.ofNullable(opener.contentPath());
    }

    /**
     * Whether the index follows containerd live: false while the event stream is broken (containerd restarting), during
     * which the store serves its last index. For readiness probes and metrics.
     */
    public boolean connected() {
        return maintainer.connected();
    }

    @Override
    public String name() {
        return "containerd";
    }

    @Override
    public List<Image> images() {
        return maintainer.index().images();
    }

    @Override
    public Optional<Digest> resolve(ImageName tagged) {
        return tagged.tag() == null
                ? Optional.empty()
                : Optional.ofNullable(maintainer.index().tags().get(tagged.tagName()));
    }

    @Override
    public Optional<Descriptor> descriptor(Digest digest) throws IOException {
        return descriptor(maintainer.index(), digest);
    }

    private Optional<Descriptor> descriptor(ContentIndex index, Digest digest) throws IOException {
        ContentIndex.Content c = index.content().get(digest);
        if (c == null) {
            return Optional.empty();
        }
        String mediaType = index.mediaTypes().get(digest);
        if (mediaType == null) {
            mediaType = sniff(digest, c);
        }
        return mediaType == null ? Optional.empty() : Optional.of(new Descriptor(digest, mediaType, c.size()));
    }

    private String sniff(Digest digest, ContentIndex.Content c) throws IOException {
        if (c.size() > MediaTypeSniffer.MAX_SNIFF_BYTES) {
            return MediaTypes.OCTET_STREAM;
        }
        String cached = sniffed.get(digest);
        if (cached == null) {
            cached = MediaTypeSniffer.sniff(opener.readPrefix(digest, c.namespace(), (int) c.size()))
                    .orElse(null);
            if (cached != null) {
                sniffed.put(digest, cached);
            }
        }
        return cached;
    }

    @Override
    public Optional<Blob> open(Digest digest) throws IOException {
        ContentIndex index = maintainer.index();
        Optional<Descriptor> d = descriptor(index, digest);
        return d.map(desc -> opener.open(desc, index.content().get(digest).namespace()));
    }

    @Override
    public List<Descriptor> walk(Digest root) throws IOException {
        ContentIndex index = maintainer.index();
        Optional<Descriptor> d = descriptor(index, root);
        return d.isEmpty() ? List.of() : builder.walker(index.content()).walk(d.get());
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        return subscribers.add(onChange);
    }

    @Override
    public void close() {
        maintainer.close();
        client.close();
    }
}

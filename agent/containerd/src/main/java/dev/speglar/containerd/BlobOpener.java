package dev.speglar.containerd;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.store.Blob;
import dev.speglar.store.support.FileBlob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens containerd content: from {@code <content-path>/blobs/<alg>/<hex>} when that file exists (so the server can
 * sendfile it), else through the content API's Read stream in the namespace that holds it.
 */
final class BlobOpener {
    private final ContainerdClient client;
    private final Path contentPath;

    /** {@code contentPath} null means API reads only. */
    BlobOpener(ContainerdClient client, Path contentPath) {
        this.client = client;
        this.contentPath = contentPath;
    }

    Path contentPath() {
        return contentPath;
    }

    Blob open(Descriptor d, String namespace) {
        Path file = file(d.digest());
        if (file != null && Files.isRegularFile(file)) {
            return new FileBlob(d, file);
        }
        return new GrpcBlob(d, client, namespace);
    }

    /** Reads at most {@code max} bytes from the start of the content (manifests, sniffing). */
    byte[] readPrefix(Digest d, String namespace, int max) throws IOException {
        Path file = file(d);
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(max);
            } catch (NoSuchFileException e) {
                // fall through to the API: the mount may lag, or the path may be wrong for this content
            }
        }
        try (InputStream in = client.read(namespace, d.toString(), 0)) {
            return in.readNBytes(max);
        }
    }

    private Path file(Digest d) {
        return contentPath == null
                ? null
                : contentPath.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }
}

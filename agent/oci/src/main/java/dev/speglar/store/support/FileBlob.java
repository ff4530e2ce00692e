package dev.speglar.store.support;

import dev.speglar.oci.Descriptor;
import dev.speglar.store.Blob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/** A blob held in a local file, e.g. {@code <content>/blobs/sha256/<hex>}; the server may sendfile it. */
public record FileBlob(Descriptor descriptor, Path path) implements Blob {
    public FileBlob {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(path, "path");
    }

    @Override
    public Optional<Path> file() {
        return Optional.of(path);
    }

    @Override
    public InputStream openStream(long offset) throws IOException {
        if (offset < 0 || offset > descriptor.size()) {
            throw new IllegalArgumentException("offset " + offset + " outside 0.." + descriptor.size());
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ch.position(offset);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return Channels.newInputStream(ch);
    }
}

package dev.speglar.store;

import dev.speglar.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/** Readable content. Prefer {@link #file()} when present: the server can then use sendfile. */
public interface Blob {
    Descriptor descriptor();

    /** The file holding exactly the blob's bytes, if the store keeps it on a local filesystem. */
    Optional<Path> file();

    /** A stream of the bytes from {@code offset} to the end. The caller closes it. */
    InputStream openStream(long offset) throws IOException;
}

package dev.speglar.containerd;

import dev.speglar.oci.Descriptor;
import dev.speglar.store.Blob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/** Content read through containerd's content API (no local file: no content path, or the file is missing). */
record GrpcBlob(Descriptor descriptor, ContainerdClient client, String namespace) implements Blob {
    @Override
    public Optional<Path> file() {
        return Optional.empty();
    }

    @Override
    public InputStream openStream(long offset) throws IOException {
        if (offset < 0 || offset > descriptor.size()) {
            throw new IllegalArgumentException("offset " + offset + " outside 0.." + descriptor.size());
        }
        if (offset == descriptor.size()) {
            return InputStream.nullInputStream(); // containerd refuses a read that starts at the end
        }
        return client.read(namespace, descriptor.digest().toString(), offset);
    }
}

package dev.speglar.store;

import dev.speglar.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A blob still being written into the node's store (a containerd ingest): its expected digest and size, and the file
 * that grows towards that size. An open descriptor on {@code data} keeps working after the store commits (renames)
 * it, so a reader that opened it early can follow it to the end.
 *
 * @param startedNanos {@link System#nanoTime()} when this node first saw the arrival
 */
public record Arrival(Digest digest, long total, Path data, long startedNanos) {
    public Arrival {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(data, "data");
        if (total <= 0) {
            throw new IllegalArgumentException("an arrival needs its expected size, got " + total);
        }
    }

    /** Bytes written so far; 0 when the file is gone (committed or aborted). */
    public long size() {
        try {
            return Files.size(data);
        } catch (IOException e) {
            return 0;
        }
    }
}

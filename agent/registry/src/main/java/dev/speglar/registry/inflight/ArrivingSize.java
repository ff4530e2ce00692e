package dev.speglar.registry.inflight;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The size of an ingest file that is still arriving, watched by the streams that serve it (sendfile and the chunked
 * copy for TLS), so both end the same way: a file that shrinks (containerd restarting the ingest) or does not grow for
 * the stall bound fails the stream, and the peer, seeing a short body, resumes elsewhere. Confined to one thread.
 */
final class ArrivingSize {
    private final FileChannel file;
    private final long stallNanos;
    private long lastSize = -1;
    private long lastChange = System.nanoTime();

    ArrivingSize(FileChannel file, long stallNanos) {
        this.file = file;
        this.stallNanos = stallNanos;
    }

    /** How many bytes past {@code position} (and before {@code end}) are there now; 0 while waiting for more. */
    long available(long position, long end) throws IOException {
        long size = file.size();
        if (size < lastSize) {
            throw new IOException("arriving content truncated from " + lastSize + " to " + size);
        }
        long now = System.nanoTime();
        if (size != lastSize) {
            lastSize = size;
            lastChange = now;
        }
        long available = Math.min(size, end) - position;
        if (available <= 0 && now - lastChange > stallNanos) {
            throw new IOException("arriving content stalled at " + position + " of " + end);
        }
        return Math.max(available, 0);
    }
}

package dev.speglar.registry.mirror;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hashes a relayed body on its own (virtual) thread, so verification runs on the second core while the event loop
 * moves bytes. The relay stops reading from the peer while more than {@link #HIGH_WATER} bytes wait to be hashed.
 */
final class BlobHasher {
    static final long HIGH_WATER = 2 << 20;
    static final long LOW_WATER = 512 << 10;
    private static final Object END = new Object();
    private static final int BATCH = 512 << 10;

    private final MessageDigest md;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<Runnable> onDrained = new AtomicReference<>();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private volatile boolean aborted;
    private final boolean inline;
    private java.util.List<ByteBuf> batch = new java.util.ArrayList<>();
    private long batchBytes;

    /** @param inline hash on the caller's thread instead (no second core needed, no hand-off) */
    BlobHasher(MessageDigest md, boolean inline) {
        this.md = md;
        this.inline = inline;
        if (!inline) {
            Thread.ofVirtual().name("mirror-hash").start(this::run);
        }
    }

    /**
     * Queues {@code data} (ownership passes to the hasher). {@code add}, {@code finish} and {@code abort} are called
     * by one thread only, the relay's event loop.
     */
    void add(ByteBuf data) {
        if (aborted) {
            data.release();
            return;
        }
        if (inline) {
            try {
                for (ByteBuffer nio : data.nioBuffers()) {
                    md.update(nio);
                }
            } finally {
                data.release();
            }
            return;
        }
        // Handed over in batches: one wake-up of the hasher per BATCH bytes, not per socket read.
        pending.addAndGet(data.readableBytes());
        batch.add(data);
        batchBytes += data.readableBytes();
        if (batchBytes >= BATCH) {
            handOver();
        }
    }

    private void handOver() {
        if (!batch.isEmpty()) {
            queue.add(batch);
            batch = new java.util.ArrayList<>();
            batchBytes = 0;
        }
    }

    boolean saturated() {
        return pending.get() > HIGH_WATER;
    }

    /** Runs {@code r} once (on the hasher's thread, or right here) when the backlog is down to the low-water mark. */
    void whenDrained(Runnable r) {
        onDrained.set(r);
        if (pending.get() <= LOW_WATER) {
            fireDrained();
        }
    }

    /** The digest of everything added, once hashed. */
    CompletableFuture<byte[]> finish() {
        if (inline) {
            result.complete(md.digest());
        } else {
            handOver();
            queue.add(END);
        }
        return result;
    }

    /** Drops the backlog; {@link #finish()}'s future fails. */
    void abort() {
        aborted = true;
        handOver();
        queue.add(END);
        result.completeExceptionally(new IllegalStateException("transfer aborted"));
    }

    private void fireDrained() {
        Runnable r = onDrained.getAndSet(null);
        if (r != null) {
            r.run();
        }
    }

    private void run() {
        try {
            while (true) {
                Object o = queue.take();
                if (o == END) {
                    if (!aborted) {
                        result.complete(md.digest());
                    }
                    break;
                }
                @SuppressWarnings("unchecked")
                java.util.List<ByteBuf> bufs = (java.util.List<ByteBuf>) o;
                long n = 0;
                for (ByteBuf b : bufs) {
                    n += b.readableBytes();
                    try {
                        if (!aborted) {
                            for (ByteBuffer nio : b.nioBuffers()) {
                                md.update(nio);
                            }
                        }
                    } finally {
                        b.release();
                    }
                }
                if (pending.addAndGet(-n) <= LOW_WATER) {
                    fireDrained();
                }
            }
        } catch (InterruptedException e) {
            result.completeExceptionally(e);
        } finally {
            Object o;
            while ((o = queue.poll()) != null) {
                if (o instanceof java.util.List<?> bufs) {
                    bufs.forEach(b -> ((ByteBuf) b).release());
                }
            }
        }
    }
}

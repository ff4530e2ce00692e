package dev.speglar.p2p;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Providers found by one query, shared by every {@link ProviderStream} reading it (single flight + cache).
 * Each reader has its own cursor and count limit.
 */
final class SharedProviders {
    private final List<Provider> found = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final long createdNanos = System.nanoTime();
    private int target;
    private long startedNanos = createdNanos;
    private boolean done;

    SharedProviders(int target) {
        this.target = target;
    }

    synchronized int target() {
        return target;
    }

    /** A new query will add to this entry (upstream re-opens its cached iterator): not done, fresh again. */
    synchronized void reopen(int count) {
        target = Math.max(target, count);
        startedNanos = System.nanoTime();
        done = false;
    }

    synchronized void add(Provider p) {
        if (!done && ids.add(p.peerId())) {
            found.add(p);
            notifyAll();
        }
    }

    synchronized boolean enough() {
        return found.size() >= target;
    }

    synchronized void finish() {
        done = true;
        notifyAll();
    }

    synchronized boolean done() {
        return done;
    }

    synchronized int size() {
        return found.size();
    }

    /** Since the last query started. */
    synchronized Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Since the entry was created: the cache TTL counts from here. */
    Duration lifetime() {
        return Duration.ofNanos(System.nanoTime() - createdNanos);
    }

    ProviderStream reader(int count) {
        return new Reader(count);
    }

    private final class Reader implements ProviderStream {
        private final int count;
        private int next;
        private boolean closed;

        Reader(int count) {
            this.count = count;
        }

        @Override
        public Optional<Provider> poll(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (SharedProviders.this) {
                while (!closed && next < count && next >= found.size() && !done) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Optional.empty();
                    }
                    SharedProviders.this.wait(Math.max(1, left / 1_000_000), 0);
                }
                if (closed || next >= count || next >= found.size()) {
                    return Optional.empty();
                }
                return Optional.of(found.get(next++));
            }
        }

        @Override
        public boolean finished() {
            synchronized (SharedProviders.this) {
                return closed || next >= count || (done && next >= found.size());
            }
        }

        @Override
        public void close() {
            synchronized (SharedProviders.this) {
                closed = true;
                SharedProviders.this.notifyAll();
            }
        }
    }
}

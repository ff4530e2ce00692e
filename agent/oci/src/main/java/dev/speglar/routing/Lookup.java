package dev.speglar.routing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Optional;

/** Providers of one key, delivered as the DHT finds them. */
public interface Lookup extends AutoCloseable {

    /**
     * The next provider not yet returned, waiting at most {@code timeout}. Empty when none arrived in time or when the
     * lookup is {@link #finished()}.
     */
    Optional<Peer> next(Duration timeout) throws InterruptedException;

    /** True once no further providers will arrive and every one found was returned. */
    boolean finished();

    /** Stops the lookup; idempotent. */
    @Override
    void close();

    /** A lookup whose providers are all known already: hands them out in order, then is finished. */
    static Lookup of(Collection<Peer> providers) {
        Deque<Peer> found = new ArrayDeque<>(providers);
        return new Lookup() {
            @Override
            public synchronized Optional<Peer> next(Duration timeout) {
                return Optional.ofNullable(found.poll());
            }

            @Override
            public synchronized boolean finished() {
                return found.isEmpty();
            }

            @Override
            public void close() {}
        };
    }
}

package dev.speglar.routing;

import java.time.Duration;
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
}

package dev.speglar.p2p;

import java.time.Duration;
import java.util.Optional;

/** Providers of one key as the lookup finds them; never contains this node. Thread-safe. */
public interface ProviderStream extends AutoCloseable {
    /** Waits up to {@code timeout} for the next provider; empty on timeout or once {@link #finished()}. */
    Optional<Provider> poll(Duration timeout) throws InterruptedException;

    /** True once the lookup has ended (count reached, network exhausted, timeout or close) and all were polled. */
    boolean finished();

    /** Stops the lookup; idempotent. */
    @Override
    void close();
}

package dev.speglar.registry.listener;

import java.time.Duration;
import java.util.Objects;

/**
 * What a listening HTTP server tolerates from its clients. A zero duration or count switches that guard off.
 *
 * @param headerTimeout how long a connection may take to deliver a complete request head, counted from accept
 * @param idleTimeout how long a keep-alive connection may sit between requests (until its next request head)
 * @param maxConnections open connections in total
 * @param maxConnectionsPerSource open connections from one IP address
 */
public record ListenerLimits(
        Duration headerTimeout, Duration idleTimeout, int maxConnections, int maxConnectionsPerSource) {

    /** Generous enough for containerd and peers (Go's client drops idle connections after 90 s). */
    public static final ListenerLimits DEFAULTS =
            new ListenerLimits(Duration.ofSeconds(10), Duration.ofSeconds(120), 2048, 512);
    /** Upstream's behaviour: no timeouts, no caps. */
    public static final ListenerLimits NONE = new ListenerLimits(Duration.ZERO, Duration.ZERO, 0, 0);

    public ListenerLimits {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (headerTimeout.isNegative() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("listener timeouts must not be negative");
        }
        if (maxConnections < 0 || maxConnectionsPerSource < 0) {
            throw new IllegalArgumentException("listener connection caps must not be negative");
        }
    }
}

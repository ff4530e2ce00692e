package dev.speglar.p2p.host;

import java.time.Duration;

/**
 * Connection limits and timeouts of a {@link Host}. {@code earlyMuxer} lists yamux in the Noise handshake so
 * the muxer is agreed without a multistream round; off forces the multistream fallback (both are interoperable).
 */
public record HostConfig(int maxConnections, Duration handshakeTimeout, Duration idleTimeout, Duration dialTimeout,
        int ioThreads, boolean earlyMuxer) {
    public static HostConfig defaults() {
        return new HostConfig(512, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(10), 2, true);
    }

    public HostConfig withMaxConnections(int n) {
        return new HostConfig(n, handshakeTimeout, idleTimeout, dialTimeout, ioThreads, earlyMuxer);
    }

    public HostConfig withTimeouts(Duration handshake, Duration idle) {
        return new HostConfig(maxConnections, handshake, idle, dialTimeout, ioThreads, earlyMuxer);
    }

    public HostConfig withEarlyMuxer(boolean on) {
        return new HostConfig(maxConnections, handshakeTimeout, idleTimeout, dialTimeout, ioThreads, on);
    }
}

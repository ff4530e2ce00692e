package dev.speglar.p2p.host;

import java.time.Duration;

/**
 * Connection limits and timeouts of a {@link Host}. {@code earlyMuxer} lists yamux in the Noise handshake so
 * the muxer is agreed without a multistream round; off forces the multistream fallback (both are interoperable).
 */
public record HostConfig(
        int maxConnections,
        int maxInboundPerSource,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration dialTimeout,
        int ioThreads,
        boolean earlyMuxer) {
    public HostConfig {
        if (maxConnections < 1 || maxInboundPerSource < 1) {
            throw new IllegalArgumentException("connection caps must be positive");
        }
    }

    /**
     * 512 connections, 32 inbound from one IP (per address, never per subnet: a cluster's nodes may share a /64),
     * 10 s to finish the Noise upgrade, 5 min idle.
     */
    public static HostConfig defaults() {
        return new HostConfig(512, 32, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(10), 2, true);
    }

    public HostConfig withMaxConnections(int n) {
        return new HostConfig(
                n, maxInboundPerSource, handshakeTimeout, idleTimeout, dialTimeout, ioThreads, earlyMuxer);
    }

    public HostConfig withMaxInboundPerSource(int n) {
        return new HostConfig(maxConnections, n, handshakeTimeout, idleTimeout, dialTimeout, ioThreads, earlyMuxer);
    }

    public HostConfig withTimeouts(Duration handshake, Duration idle) {
        return new HostConfig(maxConnections, maxInboundPerSource, handshake, idle, dialTimeout, ioThreads, earlyMuxer);
    }

    public HostConfig withEarlyMuxer(boolean on) {
        return new HostConfig(
                maxConnections, maxInboundPerSource, handshakeTimeout, idleTimeout, dialTimeout, ioThreads, on);
    }
}

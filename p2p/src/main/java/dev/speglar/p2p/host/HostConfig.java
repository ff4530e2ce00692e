package dev.speglar.p2p.host;

import java.time.Duration;

/** Connection limits and timeouts of a {@link Host}. */
public record HostConfig(int maxConnections, Duration handshakeTimeout, Duration idleTimeout, Duration dialTimeout,
        int ioThreads) {
    public static HostConfig defaults() {
        return new HostConfig(512, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(10), 2);
    }

    public HostConfig withMaxConnections(int n) {
        return new HostConfig(n, handshakeTimeout, idleTimeout, dialTimeout, ioThreads);
    }
}

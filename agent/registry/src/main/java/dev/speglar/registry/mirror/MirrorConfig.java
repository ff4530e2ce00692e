package dev.speglar.registry.mirror;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the peer mirror. Build with {@link #builder(int)}; every value is validated here so the mirror never
 * sees a nonsensical budget.
 *
 * @param resolveTimeout how long to wait for a new peer while no fetch is in flight ({@code --mirror-resolve-timeout})
 * @param resolveRetries how many providers to look up, at most ({@code --mirror-resolve-retries})
 * @param localRegistryPort this node's registry port; also the port of peers that do not name their own
 * @param selfAddresses this node's addresses: a peer on one of them with the local port is this node and is skipped
 * @param basicAuth {@code Authorization} header value sent to peers, or null
 * @param quarantine how long a peer that served wrong bytes is avoided
 * @param manifestSizeLimit largest manifest accepted from a peer (it is buffered to be verified)
 * @param deadline overall budget of manifest requests and HEADs
 * @param stallTimeout a body that makes no progress for this long, while the client is reading, is resumed elsewhere
 * @param connectTimeout TCP connect timeout towards a peer
 * @param raceBudgetFloor the least time a race waits for in-flight peers to answer (Spegel: 100 ms; the budget is
 *     max(2 × p90 latency, this))
 * @param eventLoopGroup loops for peer connections when the client channel's own loop cannot be used (not NIO/epoll);
 *     null → a small shared NIO group is created lazily
 * @param defaultRegistry what requests without {@code ns} stand for; names them in metrics (empty: {@code unknown})
 * @param peerTls mutual TLS towards peers, or null for plain HTTP (upstream)
 */
public record MirrorConfig(
        Duration resolveTimeout,
        int resolveRetries,
        int localRegistryPort,
        Set<InetAddress> selfAddresses,
        String basicAuth,
        Duration quarantine,
        int manifestSizeLimit,
        Duration deadline,
        Duration stallTimeout,
        Duration connectTimeout,
        Duration raceBudgetFloor,
        EventLoopGroup eventLoopGroup,
        String defaultRegistry,
        dev.speglar.registry.tls.PeerTls peerTls) {

    public MirrorConfig {
        positive(resolveTimeout, "resolveTimeout");
        positive(quarantine, "quarantine");
        positive(deadline, "deadline");
        positive(stallTimeout, "stallTimeout");
        positive(connectTimeout, "connectTimeout");
        positive(raceBudgetFloor, "raceBudgetFloor");
        if (resolveRetries < 1 || resolveRetries > 100) {
            throw new IllegalArgumentException("resolveRetries must be within 1..100, got " + resolveRetries);
        }
        if (localRegistryPort < 1 || localRegistryPort > 65535) {
            throw new IllegalArgumentException("localRegistryPort must be within 1..65535, got " + localRegistryPort);
        }
        if (manifestSizeLimit < 1024 || manifestSizeLimit > 64 << 20) {
            throw new IllegalArgumentException("manifestSizeLimit must be within 1 KiB..64 MiB");
        }
        selfAddresses = Set.copyOf(selfAddresses);
        defaultRegistry = defaultRegistry == null ? "" : defaultRegistry;
    }

    /**
     * The {@code registry} label of a mirror request: its {@code ns}, else the registry a request without one stands
     * for (the default registry; Docker's mirror setting only applies to docker.io), never empty.
     */
    public String registryLabel(String ns) {
        if (ns != null && !ns.isEmpty()) {
            return ns;
        }
        return defaultRegistry.isEmpty() ? "unknown" : defaultRegistry;
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** Spegel's defaults (20 ms, 3 providers, 3 s deadline) plus Speglar's integrity and stall settings. */
    public static Builder builder(int localRegistryPort) {
        return new Builder(localRegistryPort);
    }

    /** {@code Authorization} value for Spegel's basic-auth file contents (username only → {@code user:}). */
    public static String basicAuthHeader(String username, String password) {
        String pair = username + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** Mutable builder with defaults. */
    public static final class Builder {
        private Duration resolveTimeout = Duration.ofMillis(20);
        private int resolveRetries = 3;
        private final int localRegistryPort;
        private Set<InetAddress> selfAddresses = Set.of();
        private String basicAuth;
        private Duration quarantine = Duration.ofMinutes(5);
        private int manifestSizeLimit = 4 << 20;
        private Duration deadline = Duration.ofSeconds(3);
        private Duration stallTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration raceBudgetFloor = Duration.ofMillis(100);
        private EventLoopGroup eventLoopGroup;
        private String defaultRegistry = "";

        private Builder(int localRegistryPort) {
            this.localRegistryPort = localRegistryPort;
        }

        public Builder resolveTimeout(Duration v) {
            resolveTimeout = v;
            return this;
        }

        public Builder resolveRetries(int v) {
            resolveRetries = v;
            return this;
        }

        public Builder selfAddresses(Set<InetAddress> v) {
            selfAddresses = v;
            return this;
        }

        /** Raw header value (e.g. from {@link MirrorConfig#basicAuthHeader}); null disables. */
        public Builder basicAuth(String v) {
            basicAuth = v;
            return this;
        }

        public Builder quarantine(Duration v) {
            quarantine = v;
            return this;
        }

        public Builder manifestSizeLimit(int v) {
            manifestSizeLimit = v;
            return this;
        }

        public Builder deadline(Duration v) {
            deadline = v;
            return this;
        }

        public Builder stallTimeout(Duration v) {
            stallTimeout = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder raceBudgetFloor(Duration v) {
            raceBudgetFloor = v;
            return this;
        }

        private dev.speglar.registry.tls.PeerTls peerTls;

        public Builder eventLoopGroup(EventLoopGroup v) {
            eventLoopGroup = v;
            return this;
        }

        /** The registry requests without {@code ns} stand for (the agent's --default-registry); labels metrics. */
        public Builder defaultRegistry(String v) {
            defaultRegistry = v;
            return this;
        }

        /** Mutual TLS towards peers (their registry ports must run with the same CA). */
        public Builder peerTls(dev.speglar.registry.tls.PeerTls v) {
            peerTls = v;
            return this;
        }

        public MirrorConfig build() {
            return new MirrorConfig(
                    resolveTimeout,
                    resolveRetries,
                    localRegistryPort,
                    selfAddresses,
                    basicAuth,
                    quarantine,
                    manifestSizeLimit,
                    deadline,
                    stallTimeout,
                    connectTimeout,
                    raceBudgetFloor,
                    eventLoopGroup,
                    defaultRegistry,
                    peerTls);
        }
    }
}

package dev.speglar.p2p;

import dev.speglar.p2p.kad.DhtConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Node settings. {@code listenAddress} is upstream's --router-addr (":5001", "127.0.0.5:5001", "[::1]:5001");
 * {@code dataDir} (nullable) holds private.key. Durations default to upstream's values.
 */
public record P2pConfig(
        String listenAddress,
        Path dataDir,
        String protocolPrefix,
        BootstrapConfig bootstrap,
        Duration providerValidity,
        Duration reprovideInterval,
        Duration lookupTimeout,
        Duration requestTimeout,
        Duration lookupRefreshAfter,
        int maxConnections,
        int maxInboundPerSource) {

    public P2pConfig {
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(protocolPrefix, "protocolPrefix");
        Objects.requireNonNull(bootstrap, "bootstrap");
        if (!protocolPrefix.startsWith("/") || protocolPrefix.endsWith("/")) {
            throw new IllegalArgumentException("protocol prefix must look like /spegel: " + protocolPrefix);
        }
        for (Duration d : new Duration[] {lookupTimeout, requestTimeout, lookupRefreshAfter}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
        if (maxConnections < 1 || maxInboundPerSource < 1) {
            throw new IllegalArgumentException("maxConnections and maxInboundPerSource must be positive");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Kademlia protocol id, e.g. /spegel/kad/1.0.0. */
    public String kadProtocol() {
        return protocolPrefix + "/kad/1.0.0";
    }

    public static final class Builder {
        private String listenAddress = ":5001";
        private Path dataDir;
        private String protocolPrefix = "/spegel";
        private BootstrapConfig bootstrap = BootstrapConfig.none();
        private Duration providerValidity = Duration.ofMinutes(19);
        private Duration reprovideInterval = Duration.ofMinutes(15);
        private Duration lookupTimeout = Duration.ofSeconds(20);
        private Duration requestTimeout = DhtConfig.REQUEST_TIMEOUT;
        private Duration lookupRefreshAfter = LookupCache.FRESH;
        private int maxConnections = 512;
        private int maxInboundPerSource = 32;

        public Builder listenAddress(String v) {
            listenAddress = v;
            return this;
        }

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder protocolPrefix(String v) {
            protocolPrefix = v;
            return this;
        }

        public Builder bootstrap(BootstrapConfig v) {
            bootstrap = v;
            return this;
        }

        public Builder providerValidity(Duration v) {
            providerValidity = v;
            return this;
        }

        public Builder reprovideInterval(Duration v) {
            reprovideInterval = v;
            return this;
        }

        public Builder lookupTimeout(Duration v) {
            lookupTimeout = v;
            return this;
        }

        /** Wait for one Kademlia response from one peer (go-libp2p-kad-dht: 10 s). */
        public Builder requestTimeout(Duration v) {
            requestTimeout = v;
            return this;
        }

        /** A cached, finished lookup with too few providers is re-run once this old (upstream: 2.5 s). */
        public Builder lookupRefreshAfter(Duration v) {
            lookupRefreshAfter = v;
            return this;
        }

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        /** Inbound connections from one IP address (never grouped by subnet: nodes may share a /64). */
        public Builder maxInboundPerSource(int v) {
            maxInboundPerSource = v;
            return this;
        }

        public P2pConfig build() {
            return new P2pConfig(
                    listenAddress,
                    dataDir,
                    protocolPrefix,
                    bootstrap,
                    providerValidity,
                    reprovideInterval,
                    lookupTimeout,
                    requestTimeout,
                    lookupRefreshAfter,
                    maxConnections,
                    maxInboundPerSource);
        }
    }
}

package dev.speglar.p2p.kad;

import java.time.Duration;

/**
 * Kademlia parameters. Defaults follow go-libp2p-kad-dht for a custom prefix (k 20, alpha 10) and Spegel's timers
 * (provider validity 19 min, reprovide 15 min); go waits at most 10 s for a response. {@code ownAddressesOnly}
 * (default on; go stores whatever a peer claims) keeps only the addresses a peer owns in its records about itself.
 */
public record DhtConfig(
        String protocol,
        int k,
        int alpha,
        Duration providerValidity,
        Duration reprovideInterval,
        Duration requestTimeout,
        Duration refreshInterval,
        boolean ownAddressesOnly) {
    /** go-libp2p-kad-dht waits at most 10 s for one response. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    public DhtConfig(
            String protocol,
            int k,
            int alpha,
            Duration providerValidity,
            Duration reprovideInterval,
            Duration requestTimeout,
            Duration refreshInterval) {
        this(protocol, k, alpha, providerValidity, reprovideInterval, requestTimeout, refreshInterval, true);
    }

    public static DhtConfig defaults(String protocol) {
        return new DhtConfig(
                protocol,
                20,
                10,
                Duration.ofMinutes(19),
                Duration.ofMinutes(15),
                REQUEST_TIMEOUT,
                Duration.ofMinutes(10));
    }

    public DhtConfig withRequestTimeout(Duration timeout) {
        return new DhtConfig(
                protocol, k, alpha, providerValidity, reprovideInterval, timeout, refreshInterval, ownAddressesOnly);
    }

    public DhtConfig withTimers(Duration validity, Duration reprovide) {
        return new DhtConfig(
                protocol, k, alpha, validity, reprovide, requestTimeout, refreshInterval, ownAddressesOnly);
    }

    public DhtConfig withOwnAddressesOnly(boolean on) {
        return new DhtConfig(
                protocol, k, alpha, providerValidity, reprovideInterval, requestTimeout, refreshInterval, on);
    }
}

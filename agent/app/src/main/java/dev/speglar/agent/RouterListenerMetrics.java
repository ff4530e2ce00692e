package dev.speglar.agent;

import dev.speglar.p2p.host.HostCounters;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Exports what the libp2p host on {@code --router-addr} refused or timed out. */
final class RouterListenerMetrics {
    private RouterListenerMetrics() {}

    static void register(PrometheusRegistry registry, HostCounters c) {
        CounterWithCallback.builder()
                .name("speglar_p2p_connections_refused_total")
                .help("libp2p connections closed at once because a cap was reached (reason: total or source).")
                .labelNames("reason")
                .callback(cb -> {
                    cb.call(c.refusedTotal(), "total");
                    cb.call(c.refusedSource(), "source");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("speglar_p2p_handshake_timeouts_total")
                .help("libp2p connections closed because the Noise/muxer upgrade did not finish in time.")
                .callback(cb -> cb.call(c.handshakeTimeouts()))
                .register(registry);
    }
}

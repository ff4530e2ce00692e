package dev.speglar.registry.tls;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/** {@code speglar_peer_tls_refused_total{reason}}: connections refused by {@link TlsOrLocal}. */
public final class TlsRefusals {
    private static final Map<PrometheusRegistry, Counter> BY_REGISTRY = new WeakHashMap<>();

    private TlsRefusals() {}

    /** A counter on {@code registry} (null: counts nowhere). */
    public static Consumer<String> on(PrometheusRegistry registry) {
        if (registry == null) {
            return reason -> {};
        }
        Counter c;
        synchronized (BY_REGISTRY) {
            c = BY_REGISTRY.computeIfAbsent(
                    registry,
                    r -> Counter.builder()
                            .name("speglar_peer_tls_refused_total")
                            .help(
                                    "Registry connections refused with peer TLS on (reason: plaintext from another host, or handshake "
                                            + "without a valid client certificate).")
                            .labelNames("reason")
                            .register(r));
        }
        return reason -> c.labelValues(reason).inc();
    }
}

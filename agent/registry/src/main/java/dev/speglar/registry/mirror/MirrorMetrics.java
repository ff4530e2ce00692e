package dev.speglar.registry.mirror;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Spegel's mirror metrics (§6.1) plus Speglar's integrity counter. */
final class MirrorMetrics {
    private final Counter requests;
    private final Gauge lastSuccess;
    private final Counter integrityFailures;
    private final AtomicLong lastSuccessMillis = new AtomicLong();
    private final Counter failovers;
    private final Counter inFlightHits;
    private final Counter decisions;

    MirrorMetrics(PrometheusRegistry registry) {
        requests = Counter.builder()
                .name("spegel_mirror_requests_total")
                .help("Total number of mirror requests.")
                .labelNames("registry", "cache")
                .register(registry);
        lastSuccess = Gauge.builder()
                .name("spegel_mirror_last_success_timestamp_seconds")
                .help("The timestamp of the last successful mirror request.")
                .register(registry);
        integrityFailures = Counter.builder()
                .name("speglar_mirror_integrity_failures_total")
                .help("Peer content whose digest did not match, by kind (blob or manifest).")
                .labelNames("kind")
                .register(registry);
        integrityFailures.initLabelValues("blob"); // exported as 0 from the start, so alerts can use increase()
        integrityFailures.initLabelValues("manifest");
        failovers = Counter.builder()
                .name("speglar_mirror_failovers_total")
                .help(
                        "Blob bodies that broke off mid-stream, by outcome: switched (resumed from another peer) or gave_up.")
                .labelNames("outcome")
                .register(registry);
        failovers.initLabelValues("switched");
        failovers.initLabelValues("gave_up");
        inFlightHits = Counter.builder()
                .name("speglar_mirror_inflight_sources_total")
                .help("Blob requests served from a peer that was itself still receiving the blob.")
                .register(registry);
        decisions = Counter.builder()
                .name("speglar_mirror_inflight_decisions_total")
                .help("Sources chosen for blobs this node's containerd fetches (in-flight sharing), by outcome.")
                .labelNames("outcome")
                .register(registry);
        for (LocalFetch.Decision d : LocalFetch.Decision.values()) {
            decisions.initLabelValues(d.label());
        }
    }

    /** Why a local blob fetch got the source it got; see {@link LocalFetch.Decision}. */
    void decision(LocalFetch.Decision d) {
        decisions.labelValues(d.label()).inc();
    }

    void failover(boolean switched) {
        failovers.labelValues(switched ? "switched" : "gave_up").inc();
    }

    void inFlightSource() {
        inFlightHits.inc();
    }

    void hit(String registry) {
        requests.labelValues(registry, "hit").inc();
        long now = System.currentTimeMillis();
        lastSuccessMillis.set(now);
        lastSuccess.set(now / 1000.0);
    }

    /** When a mirror request last succeeded, if ever (for the debug page). */
    Optional<Instant> lastSuccess() {
        long t = lastSuccessMillis.get();
        return t == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(t));
    }

    void miss(String registry) {
        requests.labelValues(registry, "miss").inc();
    }

    void integrityFailure(String kind) {
        integrityFailures.labelValues(kind).inc();
    }
}

package dev.speglar.registry.metrics;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The HTTP metrics upstream exports for every server: request duration and response size histograms by
 * handler/method/code, and in-flight requests by handler. One instance per {@link PrometheusRegistry}, shared by all
 * servers registered on it (a registry refuses duplicate names).
 */
public final class HttpMetrics {
    private static final Map<PrometheusRegistry, HttpMetrics> BY_REGISTRY = new WeakHashMap<>();

    /** 1 KiB × 5^k for k = 0..9, as upstream. */
    static final double[] SIZE_BUCKETS = sizeBuckets();

    private final Histogram duration;
    private final Histogram size;
    private final Gauge inflight;

    private HttpMetrics(PrometheusRegistry registry) {
        Histogram.Builder d = Histogram.builder()
                .name("http_request_duration_seconds")
                .help("The latency of the HTTP requests.")
                .labelNames("handler", "method", "code")
                .classicOnly();
        d.withoutExemplars();
        duration = d.register(registry);
        Histogram.Builder s = Histogram.builder()
                .name("http_response_size_bytes")
                .help("The size of the HTTP responses.")
                .labelNames("handler", "method", "code")
                .classicOnly()
                .classicUpperBounds(SIZE_BUCKETS);
        s.withoutExemplars();
        size = s.register(registry);
        inflight = Gauge.builder()
                .name("http_requests_inflight")
                .help("The number of inflight requests being handled at the same time.")
                .labelNames("handler")
                .register(registry);
    }

    /** The metrics registered on {@code registry}, registering them on first use. */
    public static HttpMetrics on(PrometheusRegistry registry) {
        synchronized (BY_REGISTRY) {
            return BY_REGISTRY.computeIfAbsent(registry, HttpMetrics::new);
        }
    }

    public void started(String handler) {
        inflight.labelValues(handler).inc();
    }

    /** A request whose response never completed (connection lost): only leaves the in-flight gauge. */
    public void aborted(String handler) {
        inflight.labelValues(handler).dec();
    }

    public void finished(String handler, String method, int code, long nanos, long bytes) {
        inflight.labelValues(handler).dec();
        String c = Integer.toString(code);
        duration.labelValues(handler, method, c).observe(nanos / 1e9);
        size.labelValues(handler, method, c).observe(bytes);
    }

    private static double[] sizeBuckets() {
        double[] b = new double[10];
        double v = 1024;
        for (int k = 0; k < b.length; k++) {
            b[k] = v;
            v *= 5;
        }
        return b;
    }
}

package dev.speglar.registry.http;

import io.netty.channel.Channel;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code limit} blob bodies served to peers at once ({@code --upload-limit}; upstream #336): one more is
 * refused at once with 503, so the asking node moves on to another peer instead of queueing behind a busy seed.
 * 0 means no limit.
 */
final class UploadLimiter {
    /** One counter per registry: several servers (tests, benchmarks) may share a registry. */
    private static final Map<PrometheusRegistry, Counter> REJECTED = new WeakHashMap<>();

    private final int limit;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter rejected;

    UploadLimiter(int limit, PrometheusRegistry metrics) {
        if (limit < 0) {
            throw new IllegalArgumentException("upload limit must not be negative");
        }
        this.limit = limit;
        this.rejected = metrics == null ? null : rejectedCounter(metrics);
    }

    private static Counter rejectedCounter(PrometheusRegistry metrics) {
        synchronized (REJECTED) {
            return REJECTED.computeIfAbsent(
                    metrics,
                    r -> Counter.builder()
                            .name("speglar_upload_limit_rejections_total")
                            .help("Peer blob requests refused with 503 because the upload limit was reached.")
                            .register(r));
        }
    }

    /** Takes a slot for the channel's current exchange, released when it ends; false when all are taken. */
    boolean tryAcquire(Channel channel) {
        if (limit == 0) {
            return true;
        }
        if (active.incrementAndGet() > limit) {
            active.decrementAndGet();
            if (rejected != null) {
                rejected.inc();
            }
            return false;
        }
        HttpExchangeHandler.onFinish(channel, active::decrementAndGet);
        return true;
    }
}

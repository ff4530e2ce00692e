package dev.speglar.registry.tags;

import dev.speglar.registry.DistributionRequest;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Upstream-first tag resolution. A manifest request by a tag the {@link TagPolicy} names is first resolved at the
 * tag's own registry; when it answers in time the request continues as a request for that digest (served locally or
 * by peers, else 404 so containerd goes upstream itself). When upstream is down, slow or refuses, the request goes on
 * unchanged: the tag as this node and its peers know it (upstream Spegel's behaviour, outage protection kept).
 * Requests forwarded by peers are never re-resolved.
 */
public final class FreshTags {
    private final TagPolicy policy;
    private final UpstreamTags upstream;
    private final Counter resolutions;

    public FreshTags(TagPolicy policy, UpstreamTags upstream, PrometheusRegistry metrics) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.resolutions = metrics == null ? null : counter(metrics);
    }

    private static final java.util.Map<PrometheusRegistry, Counter> COUNTERS = new java.util.WeakHashMap<>();

    /** The resolution counter on {@code metrics}, registered once (so the family exists while the policy is empty). */
    public static Counter counter(PrometheusRegistry metrics) {
        synchronized (COUNTERS) {
            return COUNTERS.computeIfAbsent(
                    metrics,
                    r -> Counter.builder()
                            .name("speglar_upstream_tag_resolutions_total")
                            .help(
                                    "Tag requests resolved upstream first (result: upstream, or fallback to local and peer state).")
                            .labelNames("result")
                            .register(r));
        }
    }

    /** The request to serve: by upstream's digest, or {@code dr} itself. Never fails. */
    public CompletableFuture<DistributionRequest> resolve(DistributionRequest dr) {
        if (dr.tag() == null
                || dr.mirrored()
                || dr.kind() != DistributionRequest.Kind.MANIFEST
                || dr.registry().isEmpty()
                || !policy.matches(dr.repository(), dr.tag())) {
            return CompletableFuture.completedFuture(dr);
        }
        CompletableFuture<java.util.Optional<dev.speglar.oci.Digest>> asked;
        try {
            asked = upstream.digest(dr.registry(), dr.repository(), dr.tag());
        } catch (RuntimeException e) {
            asked = CompletableFuture.failedFuture(e);
        }
        return asked.orTimeout(policy.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((d, e) -> {
                    if (e == null && d.isPresent()) {
                        count("upstream");
                        return new DistributionRequest(
                                dr.head(), dr.kind(), dr.repository(), dr.registry(), null, d.get(), dr.range(), false);
                    }
                    count("fallback");
                    return dr;
                });
    }

    private void count(String result) {
        if (resolutions != null) {
            resolutions.labelValues(result).inc();
        }
    }
}

package dev.speglar.agent.sync;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's {@code spegel_advertised_*} gauges, by registry: tags, images (distinct root digests) and content
 * (distinct digests of everything advertised). Upstream registers them but stopped setting them, which left its
 * Grafana panels empty; here they follow every sync, and a registry nothing is advertised for any more disappears.
 */
public final class AdvertisedMetrics {
    private final Gauge tags;
    private final Gauge images;
    private final Gauge content;
    private final Set<String> registries = new HashSet<>();

    public AdvertisedMetrics(PrometheusRegistry registry) {
        tags = gauge(registry, "spegel_advertised_image_tags", "Number of image tags advertised to be available.");
        images = gauge(
                registry, "spegel_advertised_image_digests", "Number of image digests advertised to be available.");
        content = gauge(
                registry, "spegel_advertised_content_digests", "Number of content digests advertised to be available.");
    }

    private static Gauge gauge(PrometheusRegistry registry, String name, String help) {
        return Gauge.builder().name(name).help(help).labelNames("registry").register(registry);
    }

    /** Counts per registry of what is advertised now. */
    record Counts(Map<String, Integer> tags, Map<String, Integer> images, Map<String, Integer> content) {}

    synchronized void update(Counts c) {
        Set<String> now = new HashSet<>(c.content().keySet());
        now.addAll(c.images().keySet());
        now.addAll(c.tags().keySet());
        for (String gone : registries) {
            if (!now.contains(gone)) {
                tags.remove(gone);
                images.remove(gone);
                content.remove(gone);
            }
        }
        for (String r : now) {
            tags.labelValues(r).set(c.tags().getOrDefault(r, 0));
            images.labelValues(r).set(c.images().getOrDefault(r, 0));
            content.labelValues(r).set(c.content().getOrDefault(r, 0));
        }
        registries.clear();
        registries.addAll(now);
    }
}

package dev.speglar.agent.routing;

import dev.speglar.p2p.P2pNode;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The DHT figures an operator needs, read from the P2P node (which knows no metrics library): routing-table size,
 * provider records held, provider lookups with their latency, and reprovide runs.
 */
public final class P2pMetrics {
    private P2pMetrics() {}

    public static void register(P2pNode node, PrometheusRegistry registry) {
        GaugeWithCallback.builder()
                .name("speglar_dht_routing_table_peers")
                .help("Peers in the DHT routing table.")
                .callback(cb -> cb.call(node.routingTableSize()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("speglar_dht_provider_records")
                .help("Provider records this node holds for the DHT, its own included.")
                .callback(cb -> cb.call(node.providerRecords()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("speglar_dht_advertised_keys")
                .help("Keys (digests and image references) this node advertises.")
                .callback(cb -> cb.call(node.advertisedKeys()))
                .register(registry);
        CounterWithCallback.builder()
                .name("speglar_dht_reprovide_runs_total")
                .help("Runs that re-announced every advertised key.")
                .callback(cb -> cb.call(node.reprovideRuns()))
                .register(registry);
        Histogram lookups = Histogram.builder()
                .name("speglar_dht_lookup_duration_seconds")
                .help("DHT provider lookups (walks, not cached answers) by result: found or none.")
                .labelNames("result")
                .register(registry);
        lookups.initLabelValues("found");
        lookups.initLabelValues("none");
        node.onLookup((took, providers) ->
                lookups.labelValues(providers > 0 ? "found" : "none").observe(took.toNanos() / 1e9));
    }
}

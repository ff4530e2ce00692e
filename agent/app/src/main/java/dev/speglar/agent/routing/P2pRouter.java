package dev.speglar.agent.routing;

import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import dev.speglar.routing.Lookup;
import dev.speglar.routing.Peer;
import dev.speglar.routing.Router;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The agent's view of the libp2p DHT. Providers become peers reached at the local registry port (as upstream assumes
 * uniform ports); providers without an IP address are skipped because there is nothing to dial.
 */
public final class P2pRouter implements Router {
    private final P2pNode node;
    private final Histogram resolveDuration;

    /** Registers upstream's {@code spegel_resolve_duration_seconds} and the DHT metrics in {@code metrics}. */
    public P2pRouter(P2pNode node, PrometheusRegistry metrics) {
        this.node = node;
        this.resolveDuration = Histogram.builder()
                .name("spegel_resolve_duration_seconds")
                .help("The duration for router to resolve a peer.")
                .labelNames("router")
                .register(metrics);
        resolveDuration.initLabelValues("libp2p");
        P2pMetrics.register(node, metrics);
    }

    public P2pNode node() {
        return node;
    }

    @Override
    public boolean ready() {
        return node.ready();
    }

    @Override
    public void advertise(Collection<String> keys) {
        node.advertise(keys);
    }

    @Override
    public void withdraw(Collection<String> keys) {
        node.withdraw(keys);
    }

    @Override
    public Lookup lookup(String key, int count) {
        return lookup(key, count, false);
    }

    @Override
    public String selfId() {
        return node.peerId();
    }

    @Override
    public Lookup lookup(String key, int count, boolean fresh) {
        ProviderStream stream = node.lookup(key, count, fresh);
        long start = System.nanoTime();
        return new Lookup() {
            @Override
            public Optional<Peer> next(Duration timeout) throws InterruptedException {
                long deadline = System.nanoTime() + timeout.toNanos();
                while (true) {
                    Optional<Provider> p = stream.poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                    if (p.isEmpty()) {
                        return Optional.empty();
                    }
                    if (!p.get().addresses().isEmpty()) {
                        // As upstream: one observation per provider found, from the start of the lookup.
                        resolveDuration.labelValues("libp2p").observe((System.nanoTime() - start) / 1e9);
                        return Optional.of(toPeer(p.get()));
                    }
                }
            }

            @Override
            public boolean finished() {
                return stream.finished();
            }

            @Override
            public void close() {
                stream.close();
            }
        };
    }

    @Override
    public List<Peer> peers() {
        return node.peers().stream()
                .filter(p -> !p.addresses().isEmpty())
                .map(P2pRouter::toPeer)
                .toList();
    }

    private static Peer toPeer(Provider p) {
        return new Peer(p.peerId(), p.addresses(), 0);
    }

    @Override
    public void close() {
        node.close();
    }
}

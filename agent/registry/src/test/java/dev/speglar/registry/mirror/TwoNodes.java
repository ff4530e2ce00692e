package dev.speglar.registry.mirror;

import dev.speglar.registry.MissHandler;
import dev.speglar.registry.RegistryServer;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.routing.InMemoryRouter;
import dev.speglar.routing.Peer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Two real registry servers on their own loopback addresses: "seed" holds content, "leecher" holds nothing and
 * mirrors from seed through {@link PeerMirror}. Routing is an {@link InMemoryRouter} directory shared by both.
 */
final class TwoNodes implements AutoCloseable {
    final FakeContentStore seedStore;
    final RegistryServer seed;
    final RegistryServer leecher;
    final PeerMirror mirror;
    final PrometheusRegistry leecherMetrics = new PrometheusRegistry();
    private final InMemoryRouter seedRouter;

    TwoNodes(Path dir, String seedIp, String leecherIp, UnaryOperator<MirrorConfig.Builder> tune) throws Exception {
        var directory = new InMemoryRouter.Directory();
        seedStore = new FakeContentStore(dir);
        seed = RegistryServer.builder()
                .bind(new InetSocketAddress(seedIp, 0))
                .store(seedStore)
                .build();
        int seedPort = seed.start().getPort();
        seedRouter =
                new InMemoryRouter(directory, new Peer("seed", List.of(InetAddress.getByName(seedIp)), seedPort), true);

        MissHandler[] delegate = new MissHandler[1];
        leecher = RegistryServer.builder()
                .bind(new InetSocketAddress(leecherIp, 0))
                .store(new FakeContentStore(null))
                .missHandler((ctx, req, keepAlive) -> delegate[0].handle(ctx, req, keepAlive))
                .build();
        int leecherPort = leecher.start().getPort();
        InetAddress leecherAddress = InetAddress.getByName(leecherIp);
        var leecherRouter =
                new InMemoryRouter(directory, new Peer("leecher", List.of(leecherAddress), leecherPort), true);
        mirror = new PeerMirror(
                leecherRouter,
                tune.apply(MirrorConfig.builder(leecherPort).selfAddresses(Set.of(leecherAddress)))
                        .build(),
                leecherMetrics);
        delegate[0] = mirror;
    }

    /** Makes {@code keys} findable at the seed. */
    void advertise(String... keys) {
        seedRouter.advertise(List.of(keys));
    }

    URI leecher(String pathAndQuery) {
        InetSocketAddress a = leecher.address();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + pathAndQuery);
    }

    @Override
    public void close() {
        mirror.close();
        leecher.close();
        seed.close();
    }
}

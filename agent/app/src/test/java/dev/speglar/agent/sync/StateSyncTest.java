package dev.speglar.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.MediaTypes;
import dev.speglar.routing.InMemoryRouter;
import dev.speglar.routing.Lookup;
import dev.speglar.routing.Peer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateSyncTest {
    private static Descriptor d(String content, String type) {
        return new Descriptor(Digest.sha256(content.getBytes()), type, content.length());
    }

    private final Descriptor manifest = d("manifest", MediaTypes.OCI_MANIFEST);
    private final Descriptor config = d("config", MediaTypes.OCI_CONFIG);
    private final Descriptor layer = d("layer", "application/vnd.oci.image.layer.v1.tar+gzip");

    @Test
    void advertisesTagsAndDigestsAndWithdrawsOnRemoval() throws Exception {
        InMemoryRouter.Directory net = new InMemoryRouter.Directory();
        Peer self = new Peer("node-a", List.of(InetAddress.getByName("127.0.0.2")), 0);
        InMemoryRouter router = new InMemoryRouter(net, self, true);
        InMemoryRouter other =
                new InMemoryRouter(net, new Peer("node-b", List.of(InetAddress.getByName("127.0.0.3")), 0), true);
        FakeStore store = new FakeStore();
        store.put("docker.io/library/busybox:1.37", List.of(manifest, config, layer));
        store.put("ghcr.io/private/app:1", List.of(d("other", MediaTypes.OCI_MANIFEST)));

        try (StateSync sync =
                new StateSync(store, router, n -> n.registry().equals("ghcr.io"), Duration.ofMinutes(5))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> sync.advertised().size() == 4);
            assertThat(sync.advertised())
                    .containsExactlyInAnyOrder(
                            "docker.io/library/busybox:1.37",
                            manifest.digest().toString(),
                            config.digest().toString(),
                            layer.digest().toString());
            assertThat(providers(other, "docker.io/library/busybox:1.37")).isEqualTo(1);

            store.remove("docker.io/library/busybox:1.37");
            await().atMost(Duration.ofSeconds(5)).until(() -> sync.advertised().isEmpty());
            assertThat(providers(other, layer.digest().toString())).isZero();
        }
    }

    @Test
    void imageWhoseRootIsMissingIsNotAdvertised() throws Exception {
        InMemoryRouter router = InMemoryRouter.standalone(new Peer("a", List.of(InetAddress.getLoopbackAddress()), 0));
        FakeStore store = new FakeStore();
        store.put("docker.io/library/a:1", List.of(manifest));
        store.trees.clear();
        try (StateSync sync = new StateSync(store, router, n -> false, Duration.ofMinutes(5))) {
            sync.requestSync();
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> sync.advertised().isEmpty());
        }
    }

    @Test
    void advertisedGaugesCountTagsImagesAndContentPerRegistry() throws Exception {
        PrometheusRegistry prometheus = new PrometheusRegistry();
        InMemoryRouter router = InMemoryRouter.standalone(new Peer("a", List.of(InetAddress.getLoopbackAddress()), 0));
        FakeStore store = new FakeStore();
        store.put("docker.io/library/busybox:1.37", List.of(manifest, config, layer));
        store.put("docker.io/library/busybox:latest", List.of(manifest, config, layer));
        store.put("docker.io/library/busybox@" + manifest.digest(), List.of(manifest, config, layer));
        store.put("ghcr.io/org/app:1", List.of(d("app", MediaTypes.OCI_MANIFEST), layer));
        store.put("quay.io/filtered/x:1", List.of(d("x", MediaTypes.OCI_MANIFEST)));
        try (StateSync sync = new StateSync(
                store,
                router,
                n -> n.registry().equals("quay.io"),
                Duration.ofMinutes(5),
                new AdvertisedMetrics(prometheus))) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> gauge(prometheus, "spegel_advertised_content_digests", "ghcr.io") == 2);
            assertThat(gauge(prometheus, "spegel_advertised_image_tags", "docker.io"))
                    .isEqualTo(2);
            assertThat(gauge(prometheus, "spegel_advertised_image_digests", "docker.io"))
                    .isEqualTo(1);
            assertThat(gauge(prometheus, "spegel_advertised_content_digests", "docker.io"))
                    .isEqualTo(3);
            assertThat(gauge(prometheus, "spegel_advertised_image_tags", "ghcr.io"))
                    .isEqualTo(1);
            assertThat(gauge(prometheus, "spegel_advertised_image_digests", "ghcr.io"))
                    .isEqualTo(1);
            assertThat(gauge(prometheus, "spegel_advertised_image_tags", "quay.io"))
                    .isNaN();

            store.remove("ghcr.io/org/app:1");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Double.isNaN(gauge(prometheus, "spegel_advertised_content_digests", "ghcr.io")));
            assertThat(gauge(prometheus, "spegel_advertised_content_digests", "docker.io"))
                    .isEqualTo(3);
        }
    }

    /** The gauge's value for {@code registry}, NaN when it has no such series. */
    private static double gauge(PrometheusRegistry prometheus, String name, String registry) {
        for (var snapshot : prometheus.scrape().stream().toList()) {
            if (snapshot.getMetadata().getPrometheusName().equals(name) && snapshot instanceof GaugeSnapshot g) {
                for (var p : g.getDataPoints()) {
                    if (registry.equals(p.getLabels().get("registry"))) {
                        return p.getValue();
                    }
                }
            }
        }
        return Double.NaN;
    }

    private static int providers(InMemoryRouter r, String key) throws Exception {
        try (Lookup l = r.lookup(key, 10)) {
            int n = 0;
            while (l.next(Duration.ZERO).isPresent()) {
                n++;
            }
            return n;
        }
    }
}

package dev.speglar.e2e.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.containerd.IngestDirectory;
import dev.speglar.oci.Digest;
import dev.speglar.store.Arrival;
import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TapProxy;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 on real software: three nodes (private containerd + in-process agent each) whose upstream is the
 * distribution registry behind a {@link TapProxy} that counts requests and can slow the link, so a pull takes long
 * enough for a second node to ask while the first is still receiving.
 */
@Tag("real")
class InFlightSharingE2ETest {
    private static final long LAYER_BYTES = 48L << 20;
    private static final long SLOW_LINK = 16L << 20; // bytes per second: the layer takes about 3 s
    private static final Duration STALL = Duration.ofMillis(1500);

    private DistributionRegistry registry;
    private TapProxy upstream;
    private ImageFixture big;
    private BlobInfo layer;
    private String ref;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void cluster() throws Exception {
        registry = DistributionRegistry.create().start();
        OciLayout layout = OciLayout.init(TempDirs.create("inflight").resolve("layout"));
        big = BigImages.generate(layout, "library/big", "1.0", 1, LAYER_BYTES, 13);
        TestImages.push(layout, "1.0", registry.hostPort() + "/library/big:1.0", false);
        upstream = TapProxy.to(registry.address());
        layer = big.layers().getFirst();
        ref = big.reference(upstream.hostPort());
        nodes.addAll(
                Node.startCluster(3, upstream.hostPort(), List.of("--in-flight-stall=" + STALL.toMillis() + "ms")));
    }

    @AfterEach
    void teardown() {
        nodes.forEach(Node::close);
        nodes.clear();
        if (upstream != null) {
            upstream.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void blobServedWhileItsIngestGrowsIsPulledAndVerified() throws Exception {
        upstream.throttle(SLOW_LINK);
        Thread first = Thread.ofVirtual().start(() -> nodes.get(0).pull(ref));
        awaitArriving(nodes.get(0), 1);
        assertThat(nodes.get(0).agent().inFlightSync().advertised()).contains(Digest.parse(layer.digest()));

        nodes.get(1).pull(ref); // asked while node 1's ingest of the layer is partial
        first.join(Duration.ofSeconds(60));

        assertPulledIntact(nodes.get(1));
        assertThat(layerGetsUpstream()).as(upstream.requestLines().toString()).isEqualTo(1);
        assertThat(nodes.get(1).counter("speglar_mirror_inflight_sources_total", ""))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void servingIngestAbortedMidwayTheReceiverCompletesFromUpstreamWithRange() throws Exception {
        upstream.throttle(SLOW_LINK);
        Thread first = Thread.ofVirtual().start(() -> {
            try {
                nodes.get(0).pull(ref);
            } catch (RuntimeException expected) {
                // its containerd is stopped below
            }
        });
        awaitArriving(nodes.get(0), 1);
        Thread second = Thread.ofVirtual().start(() -> nodes.get(1).pull(ref));
        awaitArriving(nodes.get(1), 4 << 20);

        nodes.get(0).containerd.stop(); // node 1's ingest stops growing: the stream it serves must end, not hang
        second.join(Duration.ofSeconds(120));
        first.join(Duration.ofSeconds(30));

        assertThat(second.isAlive()).isFalse();
        assertPulledIntact(nodes.get(1));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(upstream.exchanges())
                        .anyMatch(e ->
                                e.method().equals("GET") && e.path().contains(layer.digest()) && e.range() != null));
    }

    @Test
    void whenTheSeedDiesMidwayItsFollowersAgreeOnOneRangedUpstreamFetchAndBothComplete() throws Exception {
        upstream.throttle(SLOW_LINK);
        Thread seed = Thread.ofVirtual().start(() -> {
            try {
                nodes.get(0).pull(ref);
            } catch (RuntimeException expected) {
                // its containerd is stopped below
            }
        });
        awaitArriving(nodes.get(0), 1);
        List<Thread> followers = new ArrayList<>();
        for (Node n : nodes.subList(1, 3)) {
            followers.add(Thread.ofVirtual().start(() -> n.pull(ref)));
        }
        awaitArriving(nodes.get(1), 2 << 20);
        awaitArriving(nodes.get(2), 2 << 20);

        nodes.get(0).containerd.stop(); // both followers' sources stall; one of them must take over upstream
        for (Thread t : followers) {
            t.join(Duration.ofSeconds(120));
            assertThat(t.isAlive()).isFalse();
        }
        seed.join(Duration.ofSeconds(30));

        assertPulledIntact(nodes.get(1));
        assertPulledIntact(nodes.get(2));
        List<TapProxy.Exchange> layerGets = upstream.exchanges().stream()
                .filter(e -> e.method().equals("GET") && e.path().contains(layer.digest()))
                .toList();
        // The seed's cut-off fetch plus one resume from where the followers stood; two independent resumes would
        // fetch most of the layer twice more.
        assertThat(layerGets.stream().filter(e -> e.range() != null))
                .as(layerGets.toString())
                .hasSize(1);
        assertThat(layerGets.stream().mapToLong(TapProxy.Exchange::bodyBytes).sum())
                .as(layerGets.toString())
                .isLessThan(layer.size() * 3 / 2);
    }

    @Test
    void twoNodesAskingInTheSameMillisecondFetchTheLayerFromUpstreamOnce() throws Exception {
        upstream.throttle(SLOW_LINK);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Thread> pulls = new ArrayList<>();
        for (Node n : nodes.subList(0, 2)) {
            pulls.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                n.pull(ref);
            }));
        }
        for (Thread t : pulls) {
            t.join(Duration.ofSeconds(120));
        }
        assertPulledIntact(nodes.get(0));
        assertPulledIntact(nodes.get(1));
        assertThat(layerGetsUpstream()).as(upstream.requestLines().toString()).isEqualTo(1);
    }

    @Test
    void peerStoppingHalfwayIsReplacedByOneThatStartedProvidingAfterTheTransferBegan() throws Exception {
        nodes.get(0).pull(ref);
        awaitAdvertised(nodes.get(0));
        String url = nodes.get(2).mirrorUrl() + "/v2/" + big.repository() + "/blobs/" + layer.digest() + "?ns="
                + upstream.hostPort();
        HttpClient http = HttpClient.newHttpClient();
        // Node 3 finds node 1 (and caches that lookup) before the transfer starts.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(url))
                                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
        HttpResponse<InputStream> response =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long read = 0;
        try (InputStream body = response.body()) {
            byte[] buf = new byte[64 * 1024];
            for (int n; read < LAYER_BYTES / 4 && (n = body.read(buf)) > 0; read += n) {
                sha.update(buf, 0, n);
            }
            // Node 2 starts providing only now, after the transfer began; then the serving node stops.
            nodes.get(1).pull(ref);
            awaitAdvertised(nodes.get(1));
            nodes.get(0).stopAgent();
            for (int n; (n = body.read(buf)) > 0; read += n) {
                sha.update(buf, 0, n);
            }
        }
        assertThat(read).isEqualTo(layer.size());
        assertThat("sha256:" + HexFormat.of().formatHex(sha.digest())).isEqualTo(layer.digest());
        assertThat(nodes.get(2).counter("speglar_mirror_failovers_total", "outcome=\"switched\""))
                .isGreaterThanOrEqualTo(1);
    }

    private void awaitAdvertised(Node n) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> n.agent().sync().advertised().contains(layer.digest()));
    }

    /** Waits until {@code n}'s containerd has received at least {@code bytes} of the layer into its ingest. */
    private void awaitArriving(Node n, long bytes) {
        IngestDirectory ingests = new IngestDirectory(n.containerd.contentDir(), Duration.ofSeconds(30));
        Digest d = Digest.parse(layer.digest());
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> ingests.find(d).map(Arrival::size).orElse(0L) >= bytes);
    }

    private long layerGetsUpstream() {
        return upstream.requestLines().stream()
                .filter(l -> l.startsWith("GET ") && l.contains(layer.digest()))
                .count();
    }

    private void assertPulledIntact(Node n) throws Exception {
        assertThat(n.containerd.imageDigest(ref)).contains(big.manifest().digest());
        byte[] bytes = Files.readAllBytes(n.containerd.contentBlob(layer.digest()));
        assertThat(Digest.sha256(bytes).toString()).isEqualTo(layer.digest());
    }
}

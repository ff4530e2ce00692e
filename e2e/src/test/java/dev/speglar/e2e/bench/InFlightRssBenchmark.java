package dev.speglar.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.hosts.MirrorConfiguration;
import dev.speglar.containerd.IngestDirectory;
import dev.speglar.oci.Digest;
import dev.speglar.store.Arrival;
import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TapProxy;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 memory check (not part of the test run; {@code scripts/bench-inflight-rss.sh}): the agent as a real process
 * serves four peer streams of a layer its containerd is still pulling over a slow upstream link; its peak RSS while
 * doing so is reported (target ≤ 96 MiB). Every stream is verified against the layer's digest.
 */
@Tag("real")
@Tag("benchmark")
class InFlightRssBenchmark {
    private static final long SIZE = Long.getLong("bench.bytes", 256L << 20);
    private static final long LINK = Long.getLong("bench.link", 32L << 20);
    private static final int STREAMS = 4;

    @Test
    void agentRssWhileServingFourInFlightStreams() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        try (DistributionRegistry registry = DistributionRegistry.create().start();
                TapProxy upstream = TapProxy.to(registry.address())) {
            OciLayout layout = OciLayout.init(TempDirs.create("bench").resolve("layout"));
            ImageFixture image = BigImages.generate(layout, "library/inflight", "1.0", 1, SIZE, 99);
            TestImages.push(layout, "1.0", registry.hostPort() + "/library/inflight:1.0", false);
            upstream.throttle(LINK);
            String ref = image.reference(upstream.hostPort());
            BlobInfo layer = image.layers().getFirst();
            InetAddress a1 = LoopbackAddresses.nextAddress();
            int registryPort = LoopbackAddresses.freePort(a1);
            int routerPort = LoopbackAddresses.freePort(a1);
            String seed = "/ip4/" + a1.getHostAddress() + "/tcp/" + routerPort;
            try (ContainerdDaemon c1 = ContainerdDaemon.create().start();
                    AgentProcess n1 = new AgentProcess(
                            repo,
                            c1,
                            a1.getHostAddress(),
                            registryPort,
                            routerPort,
                            seed,
                            TempDirs.create("bench-logs"))) {
                new MirrorConfiguration(c1.certsDir())
                        .write(List.of(upstream.url()), List.of(n1.url()), true, false, null);
                long idle = n1.rssBytes();
                Thread pull = Thread.ofVirtual()
                        .start(() -> c1.ctr(
                                "image", "pull", "--hosts-dir", c1.certsDir().toString(), ref));
                IngestDirectory ingests = new IngestDirectory(c1.contentDir(), Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> ingests.find(Digest.parse(layer.digest()))
                                        .map(Arrival::size)
                                        .orElse(0L)
                                > 0);

                AtomicLong peak = new AtomicLong();
                Thread sampler = Thread.ofVirtual().start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(n1.rssBytes(), Math::max);
                        try {
                            Thread.sleep(50); // sampling period, not synchronisation
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                String url = n1.url() + "/v2/" + image.repository() + "/blobs/" + layer.digest() + "?ns="
                        + upstream.hostPort();
                List<Thread> streams = new ArrayList<>();
                List<String> digests = java.util.Collections.synchronizedList(new ArrayList<>());
                long t0 = System.nanoTime();
                for (int i = 0; i < STREAMS; i++) {
                    streams.add(Thread.ofVirtual().start(() -> digests.add(fetch(url))));
                }
                for (Thread t : streams) {
                    t.join(Duration.ofMinutes(5));
                }
                long took = System.nanoTime() - t0;
                sampler.interrupt();
                pull.join(Duration.ofMinutes(5));
                System.out.printf(
                        "BENCH inflight-rss streams=%d bytes=%d link_MiBps=%d seconds=%.1f rss_idle_mib=%d "
                                + "rss_peak_mib=%d%n",
                        STREAMS, SIZE, LINK >> 20, took / 1e9, idle >> 20, peak.get() >> 20);
                assertThat(digests).hasSize(STREAMS).containsOnly(layer.digest());
            }
        }
    }

    /** A peer's request (X-Spegel-Mirrored) for the layer; returns the digest of what arrived. */
    private static String fetch(String url) {
        try {
            HttpResponse<InputStream> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("X-Spegel-Mirrored", "true")
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = r.body()) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                }
            }
            return (r.statusCode() == 200 ? "" : r.statusCode() + ":") + "sha256:"
                    + HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            return e.toString();
        }
    }
}

package dev.speglar.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.hosts.MirrorConfiguration;
import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 benchmark (not part of the test run; {@code scripts/bench-p2p-pull.sh}): time for containerd to pull a
 * ~1 GiB, 4-layer image directly from the distribution registry vs through node 2's agent from node 1, in the same
 * run, alternating, and the agents' RSS during the peer pulls. Prints one result line per measurement.
 */
@Tag("real")
@Tag("benchmark")
class PeerPullBenchmark {
    private static final long SIZE = Long.getLong("bench.bytes", 1L << 30);
    private static final int RUNS = Integer.getInteger("bench.runs", 3);

    @Test
    void peerPullVersusDirectPull() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        try (DistributionRegistry upstream = DistributionRegistry.create().start()) {
            OciLayout layout = OciLayout.init(TempDirs.create("bench").resolve("layout"));
            ImageFixture image = BigImages.generate(layout, "library/bench", "1.0", 4, SIZE, 42);
            TestImages.push(layout, "1.0", upstream.hostPort() + "/library/bench:1.0", false);
            String ref = image.reference(upstream.hostPort());
            InetAddress a1 = LoopbackAddresses.nextAddress();
            InetAddress a2 = LoopbackAddresses.nextAddress();
            int registryPort = LoopbackAddresses.freePort(a1);
            int routerPort = LoopbackAddresses.freePort(a1);
            String seed = "/ip4/" + a1.getHostAddress() + "/tcp/" + routerPort;
            Path logs = TempDirs.create("bench-logs");
            try (ContainerdDaemon c1 = ContainerdDaemon.create().start();
                    AgentProcess n1 =
                            new AgentProcess(repo, c1, a1.getHostAddress(), registryPort, routerPort, seed, logs)) {
                mirror(c1, upstream, n1.url());
                c1.ctr("image", "pull", "--hosts-dir", c1.certsDir().toString(), ref);
                for (int run = 1; run <= RUNS; run++) {
                    try (ContainerdDaemon direct = ContainerdDaemon.create().start()) {
                        long t0 = System.nanoTime();
                        direct.ctr("image", "pull", ref);
                        report("direct", run, System.nanoTime() - t0, -1, -1);
                        assertThat(direct.imageDigest(ref))
                                .contains(image.manifest().digest());
                    }
                    try (ContainerdDaemon c2 = ContainerdDaemon.create().start();
                            AgentProcess n2 = new AgentProcess(
                                    repo, c2, a2.getHostAddress(), registryPort, routerPort, seed, logs)) {
                        mirror(c2, upstream, n2.url());
                        awaitFound(n2, image);
                        AtomicLong peak1 = new AtomicLong();
                        AtomicLong peak2 = new AtomicLong();
                        Thread sampler = Thread.ofVirtual().start(() -> {
                            while (!Thread.currentThread().isInterrupted()) {
                                peak1.accumulateAndGet(n1.rssBytes(), Math::max);
                                peak2.accumulateAndGet(n2.rssBytes(), Math::max);
                                try {
                                    Thread.sleep(50); // sampling period, not synchronisation
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        });
                        upstream.markLog();
                        long t0 = System.nanoTime();
                        c2.ctr("image", "pull", "--hosts-dir", c2.certsDir().toString(), ref);
                        long took = System.nanoTime() - t0;
                        sampler.interrupt();
                        report("peer", run, took, peak1.get(), peak2.get());
                        assertThat(c2.imageDigest(ref))
                                .contains(image.manifest().digest());
                        assertThat(upstream.requestsSinceMark())
                                .noneMatch(r -> r.path().contains("/blobs/"));
                    }
                }
            }
        }
    }

    private static void mirror(ContainerdDaemon c, DistributionRegistry upstream, String agentUrl) throws Exception {
        new MirrorConfiguration(c.certsDir()).write(List.of(upstream.url()), List.of(agentUrl), true, false, null);
    }

    /** Waits until node 2's agent finds every blob on its peer (HEAD through the mirror path). */
    private static void awaitFound(AgentProcess n, ImageFixture image) {
        HttpClient http = HttpClient.newHttpClient();
        for (var blob : image.allBlobs()) {
            String kind = blob.digest().equals(image.manifest().digest()) ? "/manifests/" : "/blobs/";
            await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> http.send(
                                            HttpRequest.newBuilder(URI.create(n.url() + "/v2/" + image.repository()
                                                            + kind + blob.digest()))
                                                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200);
        }
    }

    private static void report(String mode, int run, long nanos, long rss1, long rss2) {
        System.out.printf(
                "BENCH peer-pull mode=%s run=%d seconds=%.2f MiB/s=%.0f rss_source_mib=%d rss_client_mib=%d%n",
                mode, run, nanos / 1e9, SIZE / 1048576.0 / (nanos / 1e9), rss1 >> 20, rss2 >> 20);
    }
}

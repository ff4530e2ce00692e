package dev.speglar.e2e.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TapProxy;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, the window that remains for simultaneous misses (not part of the test run;
 * {@code scripts/bench-miss-window.sh}): two nodes pull the same fresh image, the second {@code d} ms after the first,
 * and the upstream's GETs of its layer are counted (1 = the second node found the first one's in-flight record).
 * Once with the settle step (default 30 ms) and once without it, each delay several times.
 */
@Tag("real")
@Tag("benchmark")
class MissWindowBenchmark {
    private static final int[] DELAYS_MS = {0, 1, 2, 5, 10, 20, 50, 100};
    private static final int REPEATS = Integer.getInteger("bench.repeats", 3);

    @Test
    void upstreamLayerFetchesByDelayBetweenTwoPulls() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.create().start();
                TapProxy upstream = TapProxy.to(registry.address())) {
            OciLayout layout = OciLayout.init(TempDirs.create("window").resolve("layout"));
            int images = DELAYS_MS.length * REPEATS;
            List<ImageFixture> fixtures = new ArrayList<>();
            for (int i = 0; i < 2 * images; i++) {
                // A tag per image: the layout's index keeps every tag, and a reused one would name the first image.
                ImageFixture f = BigImages.generate(layout, "library/w" + i, "t" + i, 1, 8L << 20, 1000 + i);
                TestImages.push(layout, "t" + i, registry.hostPort() + "/library/w" + i + ":t" + i, false);
                fixtures.add(f);
            }
            upstream.throttle(32L << 20);
            int next = 0;
            for (String settle : List.of("30ms", "0")) {
                List<Node> nodes = Node.startCluster(2, upstream.hostPort(), List.of("--in-flight-settle=" + settle));
                try {
                    for (int delay : DELAYS_MS) {
                        int single = 0;
                        for (int r = 0; r < REPEATS; r++) {
                            ImageFixture f = fixtures.get(next++);
                            String ref = f.reference(upstream.hostPort());
                            Thread first =
                                    Thread.ofVirtual().start(() -> nodes.get(0).pull(ref));
                            LockSupport.parkNanos(delay * 1_000_000L); // the offset under test, not synchronisation
                            nodes.get(1).pull(ref);
                            first.join();
                            String layer = f.layers().getFirst().digest();
                            long gets = upstream.requestLines().stream()
                                    .filter(l -> l.startsWith("GET ") && l.contains(layer))
                                    .count();
                            assertThat(gets).isBetween(1L, 2L);
                            single += gets == 1 ? 1 : 0;
                        }
                        System.out.printf(
                                "BENCH miss-window settle=%s delay_ms=%d one_upstream_fetch=%d/%d%n",
                                settle, delay, single, REPEATS);
                    }
                } finally {
                    nodes.forEach(Node::close);
                }
            }
        }
    }
}

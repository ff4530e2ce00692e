package dev.speglar.e2e.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.e2e.web.DevTools;
import dev.speglar.routing.Lookup;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.HeadlessChromium;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The debug web UI in a real browser: two nodes (private containerd + agent each), node 1 holds the test image, and
 * node 2's page, opened in headless Chromium, shows its peer and measures a pull of the image, which node 2 can only
 * get from node 1 through its own mirror. Screenshots are kept under target/debug-web/.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebugWebBrowserE2ETest {
    private static final Path SCREENSHOTS = Path.of("target/debug-web");

    private DistributionRegistry upstream;
    private TestImages images;
    private final List<Node> nodes = new ArrayList<>();
    private HeadlessChromium chromium;

    @BeforeAll
    void cluster() throws Exception {
        upstream = DistributionRegistry.create().start();
        images = TestImages.shared().pushTo(upstream);
        nodes.addAll(Node.startCluster(2, upstream.hostPort()));
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    void teardown() {
        if (chromium != null) {
            chromium.close();
        }
        nodes.forEach(Node::close);
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void pageShowsThePeerAndMeasuresAPullFromIt() throws Exception {
        ImageFixture test = images.test();
        String ref = test.reference(upstream.hostPort());
        Node holder = nodes.get(0);
        Node viewer = nodes.get(1);
        holder.pull(ref);
        upstream.stop(); // from here on only node 1 has the image
        String tagKey = ref; // what the measure looks up: registry/repository:tag
        await().atMost(Duration.ofSeconds(30))
                .until(() -> hasProvider(viewer, tagKey)
                        && hasProvider(viewer, test.manifest().digest()));

        try (DevTools page = DevTools.newPage(chromium)) {
            String metrics = "http://" + viewer.host() + ":"
                    + viewer.agent().metricsAddress().getPort();
            page.navigate(metrics + "/debug/web/");
            await().atMost(Duration.ofSeconds(20)).until(() -> "1".equals(page.eval(text("#peer-count .stat-value"))));
            assertThat(page.eval(text("#peer-id .stat-value")))
                    .isEqualTo(viewer.agent().peerId());
            assertThat(page.eval(text("#peers")))
                    .asString()
                    .contains(holder.agent().peerId())
                    .contains(holder.host());
            assertThat(page.eval(text("#last-mirror-success .stat-value"))).isEqualTo("Pending");
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve("stats.png"), page.screenshot());

            measure(page, ref);
            assertThat(page.eval("document.getElementById('measure-result').dataset.status"))
                    .isEqualTo("200");
            assertThat(page.eval(text("#lookup")))
                    .asString()
                    .contains(holder.agent().peerId());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) page.eval("""
          [...document.querySelectorAll('#pull tr')].slice(1).map(tr => ({
            id: tr.cells[0].textContent, type: tr.cells[1].textContent, bytes: tr.cells[2].dataset.bytes }))""");
            List<String> expected = test.allBlobs().stream()
                    .map(b -> b.digest() + " " + b.size())
                    .toList();
            assertThat(rows).extracting(r -> r.get("id") + " " + r.get("bytes")).containsExactlyElementsOf(expected);
            assertThat(rows.getFirst().get("type")).isEqualTo(test.manifest().mediaType());
            Files.write(SCREENSHOTS.resolve("measure.png"), checkPng(page.screenshot()));
            // The pull went through node 2's mirror, which the next stats refresh shows.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> String.valueOf(page.eval(text("#last-mirror-success .stat-value")))
                            .endsWith(" ago"));
            assertThat(viewer.counter("spegel_mirror_requests_total", "cache=\"hit\""))
                    .isGreaterThanOrEqualTo(test.allBlobs().size());

            // Markup in the input comes back as text, never as elements or script.
            measure(page, "<img src=x onerror=\"window.pwned=1\">");
            assertThat(page.eval("document.getElementById('measure-result').dataset.status"))
                    .isEqualTo("400");
            assertThat(page.eval(
                            "document.querySelector('#measure-result img') === null && window.pwned === undefined"))
                    .isEqualTo(true);
            assertThat(page.eval(text("#measure-result")))
                    .asString()
                    .contains("<img src=x onerror=\"window.pwned=1\">");
            Files.write(SCREENSHOTS.resolve("escaped-error.png"), page.screenshot());
        }
    }

    private static void measure(DevTools page, String image) throws Exception {
        page.eval("""
        (() => { const r = document.getElementById('measure-result'); r.dataset.state = '';
          document.getElementById('measure-image-input').value = %s;
          document.getElementById('measure-button').click(); })()""".formatted(jsString(image)));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "done".equals(page.eval("document.getElementById('measure-result').dataset.state")));
    }

    private static String text(String selector) {
        return "(() => { const e = document.querySelector(" + jsString(selector)
                + "); return e ? e.textContent : null; })()";
    }

    private static String jsString(String s) {
        return DevTools.jsonString(s);
    }

    private static byte[] checkPng(byte[] png) {
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(png.length).isGreaterThan(10_000);
        return png;
    }

    private static boolean hasProvider(Node n, String key) throws Exception {
        try (Lookup l = n.agent().router().lookup(key, 1)) {
            return l.next(Duration.ofSeconds(2)).isPresent();
        }
    }
}

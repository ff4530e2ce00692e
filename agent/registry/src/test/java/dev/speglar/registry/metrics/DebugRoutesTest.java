package dev.speglar.registry.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Debug pages on the metrics server: routing, methods, streamed bodies, failures and the concurrency bound. */
class DebugRoutesTest {
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void routesSubtreesAndExactPathsAndStreamsDownloads() throws Exception {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        try (MetricsServer server =
                new MetricsServer(new InetSocketAddress("127.0.0.1", 0), new PrometheusRegistry())) {
            server.route(
                            "/debug/web/",
                            r -> DebugResponse.ok(
                                    DebugResponse.HTML,
                                    "page " + r.path() + " " + r.param("image").orElse("-")))
                    .route("/debug/web/metadata", r -> DebugResponse.ok(DebugResponse.JSON, "{}"))
                    .route(
                            "/debug/dl",
                            r -> DebugResponse.download(
                                    "application/octet-stream", new ByteArrayInputStream(big), "x.bin"))
                    .route("/debug/fail", r -> {
                        throw new IllegalStateException("boom");
                    });
            String base = "http://127.0.0.1:" + server.start().getPort();

            HttpResponse<String> page = get(base + "/debug/web/stats?image=a%20b");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("page /debug/web/stats a b");
            assertThat(page.headers().firstValue("content-type")).hasValue(DebugResponse.HTML);
            assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(get(base + "/debug/web/metadata").body()).isEqualTo("{}");
            HttpResponse<String> redirect = get(base + "/debug/web");
            assertThat(redirect.statusCode()).isEqualTo(301);
            assertThat(redirect.headers().firstValue("location")).hasValue("/debug/web/");
            assertThat(get(base + "/debug/dl/x").statusCode()).isEqualTo(404);
            assertThat(get(base + "/debug").statusCode()).isEqualTo(404);
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/debug/web/"))
                                            .POST(HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(405);
            HttpResponse<String> fail = get(base + "/debug/fail");
            assertThat(fail.statusCode()).isEqualTo(500);
            assertThat(fail.body()).contains("boom");

            HttpResponse<byte[]> dl = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/debug/dl")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(dl.statusCode()).isEqualTo(200);
            assertThat(dl.headers().firstValue("transfer-encoding")).hasValue("chunked");
            assertThat(dl.headers().firstValue("content-disposition")).hasValue("attachment; filename=\"x.bin\"");
            assertThat(dl.body()).isEqualTo(big);
            assertThat(get(base + "/metrics").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void refusesMoreThanTheBoundOfConcurrentDebugRequests() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        try (MetricsServer server =
                new MetricsServer(new InetSocketAddress("127.0.0.1", 0), new PrometheusRegistry())) {
            server.route("/slow", r -> {
                running.incrementAndGet();
                release.await(20, TimeUnit.SECONDS);
                return DebugResponse.ok(DebugResponse.TEXT, "done");
            });
            String base = "http://127.0.0.1:" + server.start().getPort();
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < MetricsServer.MAX_CONCURRENT_DEBUG; i++) {
                slow.add(http.sendAsync(
                        HttpRequest.newBuilder(URI.create(base + "/slow")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == MetricsServer.MAX_CONCURRENT_DEBUG);
            assertThat(get(base + "/slow").statusCode()).isEqualTo(429);
            assertThat(get(base + "/metrics").statusCode()).isEqualTo(200);
            release.countDown();
            for (var f : slow) {
                assertThat(f.get(10, TimeUnit.SECONDS).body()).isEqualTo("done");
            }
            assertThat(get(base + "/slow").statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

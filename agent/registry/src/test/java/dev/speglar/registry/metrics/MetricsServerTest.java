package dev.speglar.registry.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.RegistryServer;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import dev.speglar.registry.testing.RawHttp.Response;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    @Test
    void registryRequestsAreExposedWithUpstreamNamesAndLabels() throws Exception {
        PrometheusRegistry prometheus = new PrometheusRegistry();
        FakeContentStore store = new FakeContentStore(null);
        var blob = store.add(MediaTypes.OCTET_STREAM, new byte[2000]);
        try (RegistryServer registry = RegistryServer.builder()
                        .store(store)
                        .metrics(prometheus)
                        .build();
                MetricsServer metrics = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), prometheus)) {
            InetSocketAddress r = registry.start();
            InetSocketAddress m = metrics.start();
            try (RawHttp c = new RawHttp(r)) {
                assertThat(c.exchange("GET", "/v2/a/blobs/" + blob.digest()).status())
                        .isEqualTo(200);
                assertThat(c.exchange("HEAD", "/v2/a/blobs/" + blob.digest()).status())
                        .isEqualTo(200);
                assertThat(c.exchange("GET", "/v2/a/blobs/sha256:" + "0".repeat(64))
                                .status())
                        .isEqualTo(404);
                assertThat(c.exchange("GET", "/readyz").status()).isEqualTo(500);
            }
            // Exchanges are recorded when the last byte was handed to the socket, which may be just after the client
            // read it.
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () -> new String(scrape(prometheus), StandardCharsets.UTF_8)
                                    .contains(
                                            "http_request_duration_seconds_count{code=\"500\",handler=\"/readyz\",method=\"GET\"} 1"));
            String text;
            try (RawHttp c = new RawHttp(m)) {
                Response scrape = c.exchange("GET", "/metrics");
                assertThat(scrape.status()).isEqualTo(200);
                assertThat(scrape.header("content-type")).startsWith("text/plain; version=0.0.4");
                text = scrape.bodyText();
                assertThat(c.exchange("GET", "/other").status()).isEqualTo(404);
                assertThat(c.exchange("POST", "/metrics").status()).isEqualTo(405);
            }
            assertThat(text)
                    .contains("http_request_duration_seconds_count{code=\"200\",handler=\"/v2/*\",method=\"GET\"} 1")
                    .contains("http_request_duration_seconds_count{code=\"200\",handler=\"/v2/*\",method=\"HEAD\"} 1")
                    .contains("http_request_duration_seconds_count{code=\"404\",handler=\"/v2/*\",method=\"GET\"} 1")
                    .contains("http_request_duration_seconds_count{code=\"500\",handler=\"/readyz\",method=\"GET\"} 1")
                    .contains(
                            "http_request_duration_seconds_bucket{code=\"200\",handler=\"/v2/*\",method=\"GET\",le=\"0.005\"}")
                    .contains("http_response_size_bytes_sum{code=\"200\",handler=\"/v2/*\",method=\"GET\"} 2000.0")
                    .contains("http_response_size_bytes_sum{code=\"200\",handler=\"/v2/*\",method=\"HEAD\"} 0.0")
                    .contains(
                            "http_response_size_bytes_bucket{code=\"200\",handler=\"/v2/*\",method=\"GET\",le=\"1024.0\"} 0")
                    .contains(
                            "http_response_size_bytes_bucket{code=\"200\",handler=\"/v2/*\",method=\"GET\",le=\"5120.0\"} 1")
                    .contains("le=\"2.0E9\"")
                    .contains("http_requests_inflight{handler=\"/v2/*\"} 0.0")
                    .contains("http_requests_inflight{handler=\"/readyz\"} 0.0");
        }
    }

    @Test
    void anHttp2PrefaceIs505AndClosedAsFromGo() throws Exception {
        try (MetricsServer metrics = new MetricsServer(
                        new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), new PrometheusRegistry());
                RawHttp c = new RawHttp(metrics.start())) {
            c.sendRaw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Response r = c.read(false);
            assertThat(r.status()).isEqualTo(505);
            assertThat(r.bodyText()).isEqualTo("505 HTTP Version Not Supported");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void twoServersShareOneRegistry() throws Exception {
        PrometheusRegistry prometheus = new PrometheusRegistry();
        FakeContentStore store = new FakeContentStore(null);
        try (RegistryServer a = RegistryServer.builder()
                        .store(store)
                        .metrics(prometheus)
                        .build();
                RegistryServer b = RegistryServer.builder()
                        .store(store)
                        .metrics(prometheus)
                        .build()) {
            a.start();
            try (RawHttp c = new RawHttp(b.start())) {
                assertThat(c.exchange("GET", "/livez").status()).isEqualTo(200);
            }
            assertThat(HttpMetrics.on(prometheus)).isSameAs(HttpMetrics.on(prometheus));
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () -> new String(scrape(prometheus), StandardCharsets.UTF_8)
                                    .contains(
                                            "http_request_duration_seconds_count{code=\"200\",handler=\"/livez\",method=\"GET\"} 1"));
        }
    }

    private static byte[] scrape(PrometheusRegistry registry) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
                .write(out, registry.scrape());
        return out.toByteArray();
    }
}

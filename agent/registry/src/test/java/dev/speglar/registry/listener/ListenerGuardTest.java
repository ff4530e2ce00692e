package dev.speglar.registry.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.speglar.registry.RegistryServer;
import dev.speglar.registry.metrics.MetricsServer;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListenerGuardTest {
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private InetSocketAddress registry(ListenerLimits limits) throws Exception {
        RegistryServer s = RegistryServer.builder()
                .store(new FakeContentStore(null))
                .metrics(metrics)
                .limits(limits)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .build();
        open.add(s);
        return s.start();
    }

    private RawHttp connect(InetSocketAddress to) throws IOException {
        RawHttp c = new RawHttp(to);
        open.add(c);
        return c;
    }

    private Socket connectFrom(String source, InetSocketAddress to) throws IOException {
        Socket s = new Socket(to.getAddress(), to.getPort(), InetAddress.getByName(source), 0);
        s.setSoTimeout(10_000);
        open.add(s);
        return s;
    }

    private double counter(String name, String server, String reason) {
        for (var s : metrics.scrape().stream().toList()) {
            if (s instanceof CounterSnapshot c
                    && c.getMetadata().getPrometheusName().equals(name)) {
                for (var d : c.getDataPoints()) {
                    if (d.getLabels().get("server").equals(server)
                            && d.getLabels().get("reason").equals(reason)) {
                        return d.getValue();
                    }
                }
            }
        }
        return 0;
    }

    @Test
    void silentAndHalfSentConnectionsAreClosedAfterTheHeaderTimeout() throws Exception {
        InetSocketAddress addr = registry(new ListenerLimits(Duration.ofMillis(300), Duration.ofSeconds(60), 0, 0));
        RawHttp silent = connect(addr);
        RawHttp half = connect(addr);
        half.sendRaw("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        assertThat(silent.closedByServer()).isTrue();
        assertThat(half.closedByServer()).isTrue();
        assertThat(counter("speglar_listener_connections_timed_out", "registry", "header"))
                .isEqualTo(2);
    }

    @Test
    void keepAliveConnectionIsClosedAfterIdleTimeoutButServesRequestsBefore() throws Exception {
        InetSocketAddress addr = registry(new ListenerLimits(Duration.ofSeconds(60), Duration.ofMillis(300), 0, 0));
        RawHttp c = connect(addr);
        assertThat(c.exchange("GET", "/v2/").status()).isEqualTo(200);
        assertThat(c.exchange("GET", "/livez").status()).isEqualTo(200);
        assertThat(c.closedByServer()).isTrue();
        assertThat(counter("speglar_listener_connections_timed_out", "registry", "idle"))
                .isEqualTo(1);
    }

    @Test
    void perSourceCapRefusesOnlyThatSource() throws Exception {
        InetSocketAddress addr = registry(new ListenerLimits(Duration.ofSeconds(60), Duration.ofSeconds(60), 0, 3));
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(connect(addr));
        }
        for (RawHttp c : held) {
            assertThat(c.exchange("GET", "/v2/").status()).isEqualTo(200);
        }
        RawHttp fourth = connect(addr);
        assertThat(fourth.closedByServer()).isTrue();
        assertThat(counter("speglar_listener_connections_refused", "registry", "source"))
                .isEqualTo(1);

        Socket other = connectFrom("127.0.0.2", addr);
        other.getOutputStream().write("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(other.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 200");

        held.getFirst().close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (RawHttp again = new RawHttp(addr)) {
                assertThat(again.exchange("GET", "/v2/").status()).isEqualTo(200);
            }
        });
    }

    @Test
    void totalCapOnMetricsServer() throws Exception {
        MetricsServer server = new MetricsServer(
                new InetSocketAddress("127.0.0.1", 0),
                metrics,
                new ListenerLimits(Duration.ofSeconds(60), Duration.ofSeconds(60), 2, 0));
        open.add(server);
        InetSocketAddress addr = server.start();
        Socket a = connectFrom("127.0.0.3", addr);
        Socket b = connectFrom("127.0.0.4", addr);
        a.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(a.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 200");
        Socket c = connectFrom("127.0.0.5", addr);
        assertThat(c.getInputStream().read()).isEqualTo(-1);
        assertThat(counter("speglar_listener_connections_refused", "metrics", "total"))
                .isEqualTo(1);
        assertThat(b.isClosed()).isFalse();
    }

    @Test
    void limitsValidate() {
        assertThatThrownBy(() -> new ListenerLimits(Duration.ofSeconds(-1), Duration.ZERO, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ListenerLimits(Duration.ZERO, Duration.ZERO, -1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

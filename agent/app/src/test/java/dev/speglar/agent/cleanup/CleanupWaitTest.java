package dev.speglar.agent.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.speglar.agent.Main;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Upstream's post-delete hook: {@code cleanup-wait} succeeds only after threshold all-ready rounds. */
class CleanupWaitTest {
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A probe server on {@code ip}, answering {@code status} and counting requests; returns its port. */
    private int server(String ip, int port, int status, AtomicInteger hits) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(ip, port), 8);
        s.createContext("/", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/readyz") ? status : 404, -1);
            ex.close();
        });
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    @Test
    void completesAfterThresholdRoundsWhereEveryAddressIsReady() throws Exception {
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        int port = server("127.0.0.61", 0, 200, a);
        server("127.0.0.62", port, 200, b);
        CleanupWait w = new CleanupWait("cleanup.svc:" + port, Duration.ofNanos(100_000), 3, h ->
                new InetAddress[] {InetAddress.getByName("127.0.0.61"), InetAddress.getByName("127.0.0.62")});
        long start = System.nanoTime();
        w.run();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(a.get()).isEqualTo(3);
        assertThat(b.get()).isEqualTo(3);
    }

    @Test
    void neverCompletesWhileOneAddressIsNotReady() throws Exception {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        int port = server("127.0.0.63", 0, 200, ok);
        server("127.0.0.64", port, 500, bad);
        CleanupWait w = new CleanupWait("cleanup.svc:" + port, Duration.ofMillis(1), 2, h ->
                new InetAddress[] {InetAddress.getByName("127.0.0.63"), InetAddress.getByName("127.0.0.64")});
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                w.run();
            } catch (InterruptedException e) {
                // expected: the test stops it
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> bad.get() >= 10);
        assertThat(t.isAlive()).isTrue();
        t.interrupt();
        t.join(Duration.ofSeconds(5));
        assertThat(t.isAlive()).isFalse();
    }

    @Test
    void aFailedLookupResetsTheCount() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        int port = server("127.0.0.65", 0, 200, hits);
        AtomicInteger lookups = new AtomicInteger();
        // ok, ok, lookup fails, ok, ok, ok: done after six lookups and five probes with threshold 3
        CleanupWait w = new CleanupWait("cleanup.svc:" + port, Duration.ofMillis(1), 3, h -> {
            if (lookups.incrementAndGet() == 3) {
                throw new UnknownHostException(h);
            }
            return new InetAddress[] {InetAddress.getByName("127.0.0.65")};
        });
        w.run();
        assertThat(lookups.get()).isEqualTo(6);
        assertThat(hits.get()).isEqualTo(5);
    }

    @Test
    void endpointMustHaveAPort() {
        assertThatThrownBy(() -> new CleanupWait("cleanup.svc", Duration.ofSeconds(2), 3, InetAddress::getAllByName))
                .hasMessageContaining("missing port in address");
        assertThat(CleanupWait.splitHostPort("[::1]:8080").getHostString()).isEqualTo("::1");
    }

    @Test
    void cliRunsTheChartsHookCommandAndExitsZero() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        int port = server("127.0.0.66", 0, 200, hits);
        assertThat(Main.run("cleanup-wait", "--probe-endpoint=127.0.0.66:" + port, "--threshold=2", "--period=10ms"))
                .isZero();
        assertThat(hits.get()).isEqualTo(2);
        assertThat(Main.run("cleanup-wait", "--probe-endpoint=127.0.0.66")).isEqualTo(1);
        assertThat(Main.run("cleanup-wait")).isEqualTo(2); // required flag missing: usage error, as go-arg
    }
}

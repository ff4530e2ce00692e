package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Descriptor;
import dev.speglar.registry.metrics.MetricsServer;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {

    @Test
    void portInUseIsAClearErrorAndCloseStopsServing() throws Exception {
        FakeContentStore store = new FakeContentStore(null);
        RegistryServer first = RegistryServer.builder()
                .store(store)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .build();
        InetSocketAddress bound = first.start();
        assertThat(first.address()).isEqualTo(bound);
        RegistryServer second =
                RegistryServer.builder().store(store).bind(bound).build();
        assertThatThrownBy(second::start)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot listen on " + bound);
        assertThat(second.address()).isNull();
        MetricsServer metrics = new MetricsServer(bound, new PrometheusRegistry());
        assertThatThrownBy(metrics::start).isInstanceOf(UncheckedIOException.class);
        second.close();
        metrics.close();

        try (RawHttp c = new RawHttp(bound)) {
            assertThat(c.exchange("GET", "/livez").status()).isEqualTo(200);
        }
        first.close();
        first.close();
        assertThatThrownBy(() -> new RawHttp(bound)).isInstanceOf(ConnectException.class);
    }

    /** SIGTERM while containerd pulls a blob: the blob finishes, idle and new connections are turned away. */
    @Test
    void drainLetsARunningBlobFinishAndClosesIdleConnections(@TempDir Path dir) throws Exception {
        FakeContentStore store = new FakeContentStore(dir);
        byte[] content = new byte[32 << 20]; // far more than loopback socket buffers hold
        new Random(7).nextBytes(content);
        Descriptor blob = store.add("application/octet-stream", content);
        RegistryServer server = RegistryServer.builder()
                .store(store)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .build();
        InetSocketAddress bound = server.start();
        try (RawHttp idle = new RawHttp(bound);
                Socket busy = new Socket(bound.getAddress(), bound.getPort())) {
            assertThat(idle.exchange("GET", "/livez").status()).isEqualTo(200);
            busy.setSoTimeout(10_000);
            busy.getOutputStream()
                    .write(("GET /v2/library/x/blobs/" + blob.digest() + "?ns=docker.io HTTP/1.1\r\nHost: t\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = busy.getInputStream();
            await().atMost(Duration.ofSeconds(10)).until(() -> in.available() > 0);

            CompletableFuture<Boolean> drained =
                    CompletableFuture.supplyAsync(() -> server.drain(Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(10)).until(() -> refused(bound));
            assertThat(idle.closedByServer()).isTrue();
            assertThat(drained).isNotDone(); // the blob is still being written

            byte[] all = in.readAllBytes(); // to EOF: the server closes once the response is complete
            assertThat(new String(all, 0, 15, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(Arrays.copyOfRange(all, all.length - content.length, all.length))
                    .isEqualTo(content);
            assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            server.close();
        }
    }

    private static boolean refused(InetSocketAddress address) {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void builderRefusesMissingStoreAndBadSettings() {
        assertThatThrownBy(() -> RegistryServer.builder().build())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("store");
        assertThatThrownBy(() -> RegistryServer.builder().ioThreads(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistryServer.builder()
                        .store(new FakeContentStore(null))
                        .defaultRegistry("a b")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid default registry");
    }
}

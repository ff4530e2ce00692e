package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.registry.metrics.MetricsServer;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

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

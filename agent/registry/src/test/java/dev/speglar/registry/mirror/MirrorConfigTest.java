package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MirrorConfigTest {

    @Test
    void defaultsAreSpegels() {
        var c = MirrorConfig.builder(5000).build();
        assertThat(c.resolveTimeout()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.resolveRetries()).isEqualTo(3);
        assertThat(c.deadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.raceBudgetFloor()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.quarantine()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.manifestSizeLimit()).isEqualTo(4 << 20);
        assertThat(c.basicAuth()).isNull();
    }

    @Test
    void basicAuthVectorsMatchSpegel() {
        assertThat(MirrorConfig.basicAuthHeader("foo", null)).isEqualTo("Basic Zm9vOg==");
        assertThat(MirrorConfig.basicAuthHeader("foo", "bar")).isEqualTo("Basic Zm9vOmJhcg==");
        assertThat(MirrorConfig.basicAuthHeader("hello", "world")).isEqualTo("Basic aGVsbG86d29ybGQ=");
    }

    @Test
    void nonsenseIsRejected() {
        assertThatThrownBy(() -> MirrorConfig.builder(0).build()).hasMessageContaining("localRegistryPort");
        assertThatThrownBy(() -> MirrorConfig.builder(5000).resolveRetries(0).build())
                .hasMessageContaining("resolveRetries");
        assertThatThrownBy(() ->
                        MirrorConfig.builder(5000).resolveTimeout(Duration.ZERO).build())
                .hasMessageContaining("resolveTimeout");
        assertThatThrownBy(
                        () -> MirrorConfig.builder(5000).manifestSizeLimit(10).build())
                .hasMessageContaining("manifestSizeLimit");
    }
}

package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HedgerTest {

    @Test
    void withoutSamplesEveryDelayIsTheInitial50msAndTheRaceBudget100ms() {
        var h = new Hedger();
        assertThat(h.delaysNanos()).containsOnly(Duration.ofMillis(50).toNanos());
        assertThat(h.raceBudgetNanos(Duration.ofMillis(100)))
                .isEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void delaysArePercentilesOfObservedLatencies() {
        var h = new Hedger();
        for (int i = 1; i <= 100; i++) {
            h.record(Duration.ofMillis(i));
        }
        assertThat(h.delaysNanos())
                .containsExactly(
                        Duration.ofMillis(80).toNanos(),
                        Duration.ofMillis(85).toNanos(),
                        Duration.ofMillis(90).toNanos());
        assertThat(h.raceBudgetNanos(Duration.ofMillis(100)))
                .isEqualTo(Duration.ofMillis(180).toNanos());
    }

    @Test
    void loopbackLatenciesDoNotMakeEveryRaceAskEveryPeerAtOnce() {
        var h = new Hedger();
        for (int i = 0; i < 10; i++) {
            h.record(Duration.ofNanos(200_000));
        }
        assertThat(h.delaysNanos()).containsOnly(Hedger.FLOOR_NANOS);
    }

    @Test
    void onlyRecentSamplesCount() {
        var h = new Hedger();
        for (int i = 0; i < 300; i++) {
            h.record(Duration.ofSeconds(1));
        }
        for (int i = 0; i < 256; i++) {
            h.record(Duration.ofMillis(10));
        }
        assertThat(h.delaysNanos()).containsOnly(Duration.ofMillis(10).toNanos());
    }
}

package dev.speglar.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionMonitorTest {
    private static final long S = 1_000_000_000L;
    private final long now = 1_000 * S;

    @Test
    void aPeerHeardFromWithinTheKeepaliveIntervalIsNotPinged() {
        assertThat(ConnectionMonitor.needsPing(now - 29 * S, now)).isFalse();
        assertThat(ConnectionMonitor.needsPing(now - 30 * S, now)).isTrue();
        assertThat(ConnectionMonitor.needsPing(now - 300 * S, now)).isTrue();
    }

    @Test
    void anUnansweredPingClosesOnlyAConnectionSilentSinceItWasSent() {
        long sent = now;
        assertThat(ConnectionMonitor.silentSince(sent - 31 * S, sent)).isTrue();
        assertThat(ConnectionMonitor.silentSince(sent, sent)).isTrue();
        assertThat(ConnectionMonitor.silentSince(sent + 3 * S, sent)).isFalse();
    }
}

package dev.speglar.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.PeerId;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfirmedAddressesTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("10.0.0.5");
    private static final InetAddress V6 = InetAddress.ofLiteral("fd00:5a::5");
    private final ConfirmedAddresses c = new ConfirmedAddresses();
    private final PeerId peer = Ed25519Identity.generate().peerId();

    @Test
    void confirmedIpsExpire() {
        c.confirm(peer, V4, 0);
        c.confirm(peer, V6, 1);
        assertThat(c.of(peer, 2)).containsExactlyInAnyOrder(V4, V6);
        assertThat(c.of(peer, ConfirmedAddresses.KEEP.toNanos() + 1)).containsExactly(V6);
        assertThat(c.of(Ed25519Identity.generate().peerId(), 0)).isEmpty();
    }

    @Test
    void probesAreOncePerPeerAndIpAndBoundedInTotal() {
        assertThat(c.mayProbe(peer, V6, 0)).isTrue();
        assertThat(c.mayProbe(peer, V6, 1)).isFalse();
        assertThat(c.mayProbe(peer, V6, ConfirmedAddresses.KEEP.toNanos() + 1)).isTrue();
        // Fresh identities all naming one address: at most the per-minute budget of dials.
        int allowed = 0;
        long now = ConfirmedAddresses.KEEP.toNanos() + 2;
        for (int i = 0; i < 500; i++) {
            if (c.mayProbe(Ed25519Identity.generate().peerId(), V4, now)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(ConfirmedAddresses.MAX_PROBES_PER_MINUTE - 1);
        assertThat(c.mayProbe(
                        Ed25519Identity.generate().peerId(),
                        V4,
                        now + Duration.ofMinutes(2).toNanos()))
                .isTrue();
    }
}

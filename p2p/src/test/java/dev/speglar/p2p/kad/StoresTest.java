package dev.speglar.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoresTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final PeerId peer = Ed25519Identity.generate().peerId();

    @Test
    void providerRecordsExpireAfterValidity() {
        ManualClock clock = new ManualClock();
        ProviderStore store = new ProviderStore(Duration.ofMinutes(19), clock);
        byte[] key = {0x12, 0x20, 1};
        store.add(key, peer, List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/5001")));
        clock.now = clock.now.plus(Duration.ofMinutes(18));
        assertThat(store.get(key)).extracting(KadPeer::id).containsExactly(peer);
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(store.get(key)).isEmpty();
        store.expire();
        assertThat(store.keyCount()).isZero();
    }

    @Test
    void addressesLiveForTheTtlAndOnlyDialableOnesAreKept() {
        ManualClock clock = new ManualClock();
        PeerStore store = new PeerStore(Duration.ofHours(1), clock);
        store.add(
                peer,
                List.of(
                        Multiaddr.parse("/ip4/10.0.0.1/tcp/5001/p2p/" + peer),
                        Multiaddr.parse("/ip4/0.0.0.0/tcp/5001"),
                        Multiaddr.parse("/dns4/x.example/tcp/1"),
                        Multiaddr.parse("/ip4/10.0.0.1/udp/5001/quic-v1")));
        assertThat(store.get(peer)).extracting(Object::toString).containsExactly("/ip4/10.0.0.1/tcp/5001");
        clock.now = clock.now.plus(Duration.ofMinutes(59));
        store.add(peer, List.of(Multiaddr.parse("/ip4/10.0.0.2/tcp/5001")));
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(store.get(peer)).extracting(Object::toString).containsExactly("/ip4/10.0.0.2/tcp/5001");
        clock.now = clock.now.plus(Duration.ofHours(1));
        store.expire();
        assertThat(store.get(peer)).isEmpty();
    }
}

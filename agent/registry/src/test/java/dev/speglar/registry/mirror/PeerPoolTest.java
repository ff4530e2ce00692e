package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.routing.Peer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerPoolTest {
    private static PeerTarget target(String id, int octet) throws Exception {
        return PeerTarget.of(new Peer(id, List.of(InetAddress.getByName("127.0.0." + octet)), 0), 5000, Set.of());
    }

    @Test
    void threePeersSixCyclesUseEachExactlyTwice() throws Exception {
        var pool = new PeerPool();
        pool.add(target("a", 2));
        pool.add(target("b", 3));
        pool.add(target("c", 4));
        Map<String, Integer> uses = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            PeerTarget t = pool.acquire();
            uses.merge(t.id(), 1, Integer::sum);
            pool.release(t);
        }
        assertThat(uses).containsOnly(Map.entry("a", 2), Map.entry("b", 2), Map.entry("c", 2));
    }

    @Test
    void acquiredPeersAreNotHandedOutTwiceAndRemovedOnesNeverAgain() throws Exception {
        var pool = new PeerPool();
        var a = target("a", 2);
        pool.add(a);
        pool.add(a); // idempotent
        assertThat(pool.acquire()).isEqualTo(a);
        assertThat(pool.acquire()).isNull();
        pool.remove(a);
        pool.release(a);
        assertThat(pool.acquire()).isNull();
        assertThat(pool.exhausted()).isFalse();
        pool.lookupDone("only");
        assertThat(pool.exhausted()).isTrue();
    }

    @Test
    void aPenalizedPeerIsAskedAfterTheOthers() throws Exception {
        var pool = new PeerPool();
        var a = target("a", 2);
        var b = target("b", 3);
        pool.add(a);
        pool.add(b);
        pool.penalize(a);
        assertThat(pool.acquire()).isEqualTo(b);
        assertThat(pool.acquire()).isEqualTo(a);
    }

    @Test
    void selfIsRecognisedByAddressAndLocalPort() throws Exception {
        InetAddress me = InetAddress.getByName("127.0.0.5");
        assertThat(PeerTarget.of(new Peer("me", List.of(me), 0), 5000, Set.of(me)))
                .isNull();
        assertThat(PeerTarget.of(new Peer("me", List.of(me), 5000), 5000, Set.of(me)))
                .isNull();
        // Same host, other port: another node in a test cluster.
        assertThat(PeerTarget.of(new Peer("other", List.of(me), 5001), 5000, Set.of(me))
                        .addresses())
                .hasSize(1);
        var dual = PeerTarget.of(
                new Peer("dual", List.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("fd00::1")), 0),
                5000,
                Set.of());
        assertThat(dual.addresses().getFirst().getAddress().getHostAddress()).startsWith("fd00");
        assertThat(dual.addresses()).allMatch(a -> a.getPort() == 5000);
    }

    @Test
    void peersHoldingTheWholeBlobComeBeforeInFlightOnes() throws Exception {
        var pool = new PeerPool();
        var arriving = PeerTarget.of(
                new Peer("arriving", List.of(InetAddress.getByName("127.0.0.2")), 0), 5000, Set.of(), true);
        var complete = target("complete", 3);
        pool.add(arriving);
        pool.add(complete);
        assertThat(pool.acquire()).isEqualTo(complete);
        assertThat(pool.acquire()).isEqualTo(arriving);
    }

    @Test
    void thePoolIsExhaustedOnlyOnceEveryLookupFeedingItIsDone() throws Exception {
        var pool = new PeerPool();
        pool.lookupStarted("content");
        pool.lookupStarted("in-flight");
        pool.lookupDone("content");
        assertThat(pool.exhausted()).isFalse();
        pool.lookupDone("in-flight");
        assertThat(pool.exhausted()).isTrue();
    }

    @Test
    void aSettleRoundWaitsForItsOwnFreshLookupOnly() throws Exception {
        var pool = new PeerPool();
        pool.lookupStarted("slow walk of the content key");
        pool.lookupStarted("fresh in-flight lookup");
        pool.awaitOnly("fresh in-flight lookup");
        assertThat(pool.exhausted()).isFalse();
        pool.lookupDone("fresh in-flight lookup");
        assertThat(pool.exhausted()).isTrue();
        pool.lookupDone("slow walk of the content key"); // finishing late changes nothing
        assertThat(pool.exhausted()).isTrue();
    }
}

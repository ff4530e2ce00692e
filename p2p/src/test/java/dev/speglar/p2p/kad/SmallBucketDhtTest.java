package dev.speglar.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With k = 3 most tables cannot hold everyone, so providing walks the network and lookups need several hops. */
class SmallBucketDhtTest {
    private final DhtTestNodes net = new DhtTestNodes(3, Duration.ofSeconds(5));
    private final List<Host> hosts = net.hosts;
    private final List<Dht> dhts = net.dhts;

    @AfterEach
    void stop() {
        net.close();
    }

    private Dht node(int octet) {
        return net.node("127.0.0." + octet);
    }

    @Test
    void aNodeThatJustJoinedWalksBeforeProviding() throws Exception {
        for (int i = 0; i < 7; i++) {
            node(120 + i);
        }
        for (int i = 1; i < 7; i++) {
            connect(i, i - 1);
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> dhts.stream().allMatch(d -> d.routingTable().size() > 0));
        for (Dht d : dhts) {
            d.refresh().get(20, TimeUnit.SECONDS);
        }
        // The newcomer knows one peer of seven (fewer than k = 3) and provides before any refresh: those are not
        // the key's closest peers, so it must walk rather than announce to the one it knows (found at N = 60+).
        Dht newcomer = node(127);
        connect(7, 0);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> newcomer.routingTable().size() > 0);
        byte[] key = Cid.ofKey("sha256:newcomer").multihash().bytes();
        newcomer.provide(key).get(20, TimeUnit.SECONDS);
        // ADD_PROVIDER has no response: provide() completes once the messages are sent, not stored.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(dhts.stream()
                                .filter(d -> d != newcomer
                                        && !d.providerStore().get(key).isEmpty())
                                .count())
                        .isEqualTo(3));
    }

    private void connect(int from, int to) throws Exception {
        net.connect(from, to);
    }

    @Test
    void provideWalksAndLookupsFindAcrossHops() throws Exception {
        for (int i = 0; i < 8; i++) {
            node(100 + i);
        }
        // A chain: each node only dials its predecessor, then refreshes.
        for (int i = 1; i < 8; i++) {
            connect(i, i - 1);
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> dhts.stream().allMatch(d -> d.routingTable().size() > 0));
        for (Dht d : dhts) {
            d.refresh().get(20, TimeUnit.SECONDS);
        }
        // With buckets this small a self walk only meets peers near a node, and a node at the end of the chain can know
        // nobody in
        // a far range; then its provide walk stores the record on peers other lookups never reach (with k = 2,
        // about 1 run in 20).
        // A walk into each bucket range, as go-libp2p's bucket refresh does, completes the tables first.
        for (Dht d : dhts) {
            walkEveryRange(d);
        }
        // Buckets of 3 cannot hold all 7 others in most layouts; walks are what connect the rest.
        assertThat(dhts).allSatisfy(d -> assertThat(d.routingTable().size()).isBetween(1, 7));

        byte[] key = Cid.ofKey("sha256:multi-hop").multihash().bytes();
        Dht provider = dhts.get(7);
        provider.provide(key).get(20, TimeUnit.SECONDS);
        int holders = (int) dhts.stream()
                .filter(d -> d != provider && !d.providerStore().get(key).isEmpty())
                .count();
        assertThat(holders).isBetween(1, 3);

        // As on live nodes, a record the walks cannot reach yet is fixed by the next refresh and re-provide (go and
        // Speglar re-provide periodically); a broken walk or store fails every round.
        List<PeerId> missed = List.of();
        for (int round = 0; round < 3; round++) {
            if (round > 0) {
                walkEveryRange(provider);
                provider.provide(key).get(20, TimeUnit.SECONDS);
            }
            missed = new ArrayList<>();
            for (Dht d : dhts.subList(0, 7)) {
                Set<PeerId> found = ConcurrentHashMap.newKeySet();
                d.findProviders(key, p -> found.add(p.id()), () -> !found.isEmpty())
                        .get(20, TimeUnit.SECONDS);
                if (!found.contains(provider.self())) {
                    missed.add(d.self());
                }
            }
            if (missed.isEmpty()) {
                break;
            }
        }
        assertThat(missed).as("nodes whose lookup missed the provider").isEmpty();
    }

    /** One walk into each bucket range the node has peers up to, as go-libp2p's bucket refresh does. */
    static void walkEveryRange(Dht d) throws Exception {
        byte[] me = d.self().kadId();
        int deepest = d.routingTable().peers().stream()
                .mapToInt(p -> KadId.commonPrefixLength(me, p.kadId()))
                .max()
                .orElse(0);
        for (int cpl = 0; cpl <= Math.min(deepest, 15); cpl++) {
            d.closestPeers(keyWithCommonPrefix(me, cpl)).get(20, TimeUnit.SECONDS);
        }
    }

    /** A random key whose Kademlia id shares exactly {@code cpl} leading bits with {@code me}. */
    private static byte[] keyWithCommonPrefix(byte[] me, int cpl) {
        java.util.Random r = new java.util.Random();
        byte[] key = new byte[32];
        do {
            r.nextBytes(key);
        } while (KadId.commonPrefixLength(me, KadId.of(key)) != cpl);
        return key;
    }
}

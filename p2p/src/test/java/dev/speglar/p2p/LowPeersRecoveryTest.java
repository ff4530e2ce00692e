package dev.speglar.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.kad.Dht;
import dev.speglar.p2p.kad.KadPeer;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose routing table was cut down to two peers (as a connection storm at start leaves some) dials its seeds
 * and walks to itself until the table has recovered, then provides again the key it placed while short of peers.
 * Nothing else would heal it within the test: the next scheduled self walk is 30 s after start.
 */
class LowPeersRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SIZE = Dht.LOW_PEERS + 2;
    private final List<P2pNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(P2pNode::close);
    }

    private P2pNode node(int lastOctet, BootstrapConfig bootstrap) {
        P2pNode n = P2pNode.start(P2pConfig.builder()
                .listenAddress("127.0.0." + lastOctet + ":0")
                .bootstrap(bootstrap)
                .build());
        nodes.add(n);
        return n;
    }

    @Test
    void isolatedNodeRecoversAndItsKeyReachesEveryPeer() throws Exception {
        P2pNode seed = node(150, BootstrapConfig.none());
        String seedAddr = seed.listenAddrs().getFirst() + "/p2p/" + seed.peerId();
        for (int i = 1; i < SIZE; i++) {
            node(150 + i, BootstrapConfig.staticPeers(List.of(seedAddr)));
        }
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> n.routingTableSize() == SIZE - 1));

        // The lonely node keeps two peers, and those know nobody but it: its walks end at them.
        P2pNode lonely = nodes.getLast();
        List<PeerId> peers = lonely.dht().routingTable().peers();
        peers.subList(2, peers.size()).forEach(p -> lonely.dht().routingTable().remove(p));
        for (P2pNode n : nodes) {
            if (peers.subList(0, 2).stream().anyMatch(p -> p.toBase58().equals(n.peerId()))) {
                n.dht().routingTable().peers().stream()
                        .filter(p -> !p.toBase58().equals(lonely.peerId()))
                        .forEach(p -> n.dht().routingTable().remove(p));
            }
        }
        assertThat(lonely.routingTableSize()).isEqualTo(2);

        // Placed while short of peers, and the record reaches every node once the table has recovered.
        String key = "sha256:" + "ab".repeat(32);
        byte[] mh = Cid.ofKey(key).multihash().bytes();
        lonely.advertise(List.of(key));
        await().atMost(WAIT).until(() -> lonely.routingTableSize() == SIZE - 1);
        await().atMost(WAIT).until(() -> holders(mh, lonely) == SIZE - 1);

        P2pNode asker = nodes.get(1);
        try (ProviderStream s = asker.lookup(key, 1, true)) {
            Provider found = s.poll(WAIT).orElseThrow();
            assertThat(found.peerId()).isEqualTo(lonely.peerId());
        }
    }

    /** Other nodes holding {@code owner}'s record for {@code mh}. */
    private long holders(byte[] mh, P2pNode owner) {
        return nodes.stream()
                .filter(n -> n != owner)
                .filter(n -> n.dht().providerStore().get(mh).stream()
                        .map(KadPeer::id)
                        .anyMatch(id -> id.toBase58().equals(owner.peerId())))
                .count();
    }
}

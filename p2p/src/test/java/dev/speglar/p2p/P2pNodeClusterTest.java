package dev.speglar.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several real nodes in one JVM, each on its own 127.0.0.x, talking TCP + Noise + yamux + Kademlia. */
class P2pNodeClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<P2pNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(P2pNode::close);
    }

    private P2pNode node(int lastOctet, BootstrapConfig bootstrap, Path dataDir) {
        P2pNode n = P2pNode.start(P2pConfig.builder()
                .listenAddress("127.0.0." + lastOctet + ":0")
                .dataDir(dataDir)
                .bootstrap(bootstrap)
                .providerValidity(Duration.ofSeconds(3))
                .reprovideInterval(Duration.ofSeconds(1))
                .lookupTimeout(Duration.ofSeconds(5))
                .build());
        nodes.add(n);
        return n;
    }

    private static String addrOf(P2pNode n, boolean withId) {
        String a = n.listenAddrs().getFirst().toString();
        return withId ? a + "/p2p/" + n.peerId() : a;
    }

    private List<P2pNode> cluster(int size) {
        P2pNode primary = node(10, BootstrapConfig.none(), null);
        for (int i = 1; i < size; i++) {
            // Half the seeds omit /p2p: the id is then learned from the Noise handshake.
            node(10 + i, BootstrapConfig.staticPeers(List.of(addrOf(primary, i % 2 == 0))), null);
        }
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(P2pNode::ready));
        await().atMost(WAIT).until(() -> primary.peers().size() == size - 1);
        return nodes;
    }

    private static List<Provider> drain(ProviderStream s) throws InterruptedException {
        List<Provider> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!s.finished() && System.nanoTime() < deadline) {
            s.poll(Duration.ofMillis(200)).ifPresent(out::add);
        }
        return out;
    }

    private static long[] diff(long[] after, long[] before) {
        long[] d = new long[after.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = after[i] - before[i];
        }
        return d;
    }

    @Test
    void providerLookupsCountTheirRounds() throws Exception {
        List<P2pNode> c = cluster(3);
        P2pNode searcher = c.get(2);
        c.get(1).advertise(List.of("sha256:rounds"));
        await().atMost(WAIT)
                .until(() -> !searcher.dht()
                        .providerStore()
                        .get(dev.speglar.p2p.multiformats.Cid.ofKey("sha256:rounds")
                                .multihash()
                                .bytes())
                        .isEmpty());

        // The searcher holds the record itself (k = 20 covers everyone): one provider asked, no request needed.
        long[] r0 = searcher.dht().lookupRounds();
        try (ProviderStream s = searcher.lookup("sha256:rounds", 1)) {
            assertThat(s.poll(WAIT)).map(Provider::peerId).contains(c.get(1).peerId());
        }
        await().atMost(WAIT).until(() -> diff(searcher.dht().lookupRounds(), r0)[0] == 1);
        assertThat(java.util.Arrays.stream(diff(searcher.dht().lookupRounds(), r0))
                        .sum())
                .isEqualTo(1);

        // A key nobody holds walks the network (another key: a fresh short result would be served from the cache);
        // the routing-table peers answer in the first round and know nobody closer.
        long[] r1 = searcher.dht().lookupRounds();
        try (ProviderStream s = searcher.lookup("sha256:nobody-has-this", 3)) {
            drain(s);
        }
        await().atMost(WAIT)
                .until(() -> java.util.Arrays.stream(diff(searcher.dht().lookupRounds(), r1))
                                .sum()
                        == 1);
        assertThat(diff(searcher.dht().lookupRounds(), r1)[1]).isEqualTo(1);
    }

    @Test
    void staticBootstrapThenProvideAndFindAcrossNodes() throws Exception {
        List<P2pNode> c = cluster(5);
        assertThat(c.getFirst().peers())
                .extracting(Provider::peerId)
                .containsExactlyInAnyOrderElementsOf(
                        c.subList(1, 5).stream().map(P2pNode::peerId).toList());
        assertThat(c.getFirst().peers())
                .allSatisfy(p -> assertThat(p.addresses()).hasSize(1));

        c.get(2).advertise(List.of("sha256:aaaa", "docker.io/library/alpine:3.20"));
        c.get(4).advertise(List.of("sha256:aaaa"));
        Set<String> expected = Set.of(c.get(2).peerId(), c.get(4).peerId());
        await().atMost(WAIT).untilAsserted(() -> {
            try (ProviderStream s = c.get(3).lookup("sha256:aaaa", 5)) {
                assertThat(drain(s)).extracting(Provider::peerId).containsExactlyInAnyOrderElementsOf(expected);
            }
        });
        InetAddress ip12 = InetAddress.getByName("127.0.0.12");
        try (ProviderStream s = c.get(1).lookup("docker.io/library/alpine:3.20", 1)) {
            Optional<Provider> p = s.poll(WAIT);
            assertThat(p).hasValueSatisfying(v -> {
                assertThat(v.peerId()).isEqualTo(c.get(2).peerId());
                assertThat(v.addresses()).containsExactly(ip12);
            });
            assertThat(s.finished()).isTrue();
        }
        // Never self: the provider itself only sees the other provider.
        try (ProviderStream s = c.get(2).lookup("sha256:aaaa", 5)) {
            assertThat(drain(s))
                    .extracting(Provider::peerId)
                    .containsExactly(c.get(4).peerId());
        }
        // Unknown key: the lookup ends empty instead of hanging.
        try (ProviderStream s = c.get(0).lookup("sha256:unknown", 3)) {
            assertThat(drain(s)).isEmpty();
            assertThat(s.finished()).isTrue();
        }
    }

    @Test
    void withdrawnKeysExpireAtOtherPeers() throws Exception {
        List<P2pNode> c = cluster(3);
        c.get(1).advertise(List.of("sha256:gone"));
        await().atMost(WAIT).untilAsserted(() -> {
            try (ProviderStream s = c.get(2).lookup("sha256:gone", 1)) {
                assertThat(drain(s))
                        .extracting(Provider::peerId)
                        .containsExactly(c.get(1).peerId());
            }
        });
        c.get(1).withdraw(List.of("sha256:gone"));
        await().atMost(WAIT).untilAsserted(() -> {
            try (ProviderStream s = c.get(2).lookup("sha256:gone", 1)) {
                assertThat(drain(s)).isEmpty();
            }
        });
    }

    @Test
    void restartKeepsPeerIdAndRejoins(@TempDir Path dir) throws Exception {
        P2pNode primary = node(20, BootstrapConfig.none(), null);
        P2pNode first = node(21, BootstrapConfig.staticPeers(List.of(addrOf(primary, true))), dir);
        String id = first.peerId();
        await().atMost(WAIT).until(first::ready);
        first.close();
        nodes.remove(first);
        P2pNode second = node(21, BootstrapConfig.staticPeers(List.of(addrOf(primary, true))), dir);
        assertThat(second.peerId()).isEqualTo(id);
        await().atMost(WAIT).until(second::ready);
    }

    @Test
    void nodeKilledWithoutGoodbyeIsTolerated() throws Exception {
        List<P2pNode> c = cluster(4);
        P2pNode victim = c.get(3);
        String victimId = victim.peerId();
        victim.advertise(List.of("sha256:victim"));
        c.get(1).advertise(List.of("sha256:alive"));
        await().atMost(WAIT).untilAsserted(() -> {
            try (ProviderStream s = c.get(2).lookup("sha256:victim", 1)) {
                assertThat(drain(s)).isNotEmpty();
            }
        });
        victim.kill();
        nodes.remove(victim);
        // Lookups keep working and end in bounded time; the dead peer leaves routing tables once queries fail.
        await().atMost(WAIT).untilAsserted(() -> {
            try (ProviderStream s = c.get(2).lookup("sha256:alive", 1)) {
                assertThat(drain(s))
                        .extracting(Provider::peerId)
                        .containsExactly(c.get(1).peerId());
            }
        });
        await().atMost(WAIT).untilAsserted(() -> {
            c.get(0).dht().refresh().get();
            Set<String> ids = new HashSet<>();
            c.get(0).peers().forEach(p -> ids.add(p.peerId()));
            assertThat(ids).doesNotContain(victimId);
        });
        assertThat(c.get(0).ready()).isTrue();
    }

    @Test
    void manyKeysAdvertisedWhileAloneAreStoredAndLaterFound() throws Exception {
        // Default timers: the keys are announced once, when the joiner arrives, not every second.
        P2pNode alone =
                P2pNode.start(P2pConfig.builder().listenAddress("127.0.0.30:0").build());
        nodes.add(alone);
        List<String> keys = java.util.stream.IntStream.range(0, 5_000)
                .mapToObj(i -> "sha256:k" + i)
                .toList();
        alone.advertise(keys);
        assertThat(alone.dht().providerStore().keyCount()).isEqualTo(5_000);
        P2pNode joiner = P2pNode.start(P2pConfig.builder()
                .listenAddress("127.0.0.31:0")
                .bootstrap(BootstrapConfig.staticPeers(List.of(addrOf(alone, true))))
                .build());
        nodes.add(joiner);
        await().atMost(WAIT).until(joiner::ready);
        try (ProviderStream s = joiner.lookup("sha256:k4999", 1)) {
            assertThat(s.poll(WAIT)).map(Provider::peerId).contains(alone.peerId());
        }
        // The announcements triggered by coming online reach the joiner's own store.
        await().atMost(WAIT).until(() -> joiner.dht().providerStore().keyCount() == 5_000);
    }

    @Test
    void protocolPrefixIsolatesNetworks() throws Exception {
        P2pNode spegel = node(40, BootstrapConfig.none(), null);
        P2pNode other = P2pNode.start(P2pConfig.builder()
                .listenAddress("127.0.0.41:0")
                .protocolPrefix("/other")
                .bootstrap(BootstrapConfig.staticPeers(List.of(addrOf(spegel, true))))
                .build());
        nodes.add(other);
        P2pNode sameOther = P2pNode.start(P2pConfig.builder()
                .listenAddress("127.0.0.42:0")
                .protocolPrefix("/other")
                .bootstrap(BootstrapConfig.staticPeers(List.of(addrOf(other, true))))
                .build());
        nodes.add(sameOther);
        await().atMost(WAIT).until(() -> other.ready() && sameOther.ready());
        // Connected, but the /spegel node never enters the /other table and vice versa.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> !spegel.ready()
                        && other.peers().stream().noneMatch(p -> p.peerId().equals(spegel.peerId())));
    }
}

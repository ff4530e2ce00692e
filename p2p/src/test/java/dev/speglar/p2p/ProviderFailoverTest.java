package dev.speglar.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The e2e "serving agent stopped mid-blob" case on bare nodes: the provider a puller used dies, another holds the
 * key; the puller must find the survivor promptly, in the reader it was streaming from and in new lookups, and a
 * query reaching a dead peer must end fast instead of waiting for request timeouts.
 */
class ProviderFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
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

    /** seed, then two nodes bootstrapping from it; returns once every routing table holds the other two. */
    private List<P2pNode> trio(int firstOctet) {
        P2pNode seed = node(firstOctet, BootstrapConfig.none());
        BootstrapConfig viaSeed =
                BootstrapConfig.staticPeers(List.of(seed.listenAddrs().getFirst() + "/p2p/" + seed.peerId()));
        node(firstOctet + 1, viaSeed);
        node(firstOctet + 2, viaSeed);
        await().atMost(WAIT).untilAsserted(() -> {
            for (P2pNode n : nodes) {
                n.dht().refresh().get();
            }
            assertThat(nodes).allSatisfy(n -> assertThat(n.peers()).hasSize(2));
        });
        return List.copyOf(nodes);
    }

    private static List<String> drain(ProviderStream s) throws InterruptedException {
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!s.finished() && System.nanoTime() < deadline) {
            s.poll(Duration.ofMillis(100)).ifPresent(p -> out.add(p.peerId()));
        }
        return out;
    }

    @Test
    void survivorAnnouncedAfterAColdLookupIsSeenByTheOpenReaderAndNewLookups() throws Exception {
        List<P2pNode> c = trio(60);
        P2pNode first = c.get(0);
        P2pNode survivor = c.get(1);
        P2pNode puller = c.get(2);
        first.advertise(List.of("sha256:layer"));
        await().atMost(WAIT)
                .until(() ->
                        !puller.dht().providerStore().get(mh("sha256:layer")).isEmpty());

        // Cold lookup for 3: only the first holder exists yet; the query ends with it alone.
        ProviderStream streaming = puller.lookup("sha256:layer", 3);
        assertThat(drain(streaming)).containsExactly(first.peerId());
        assertThat(streaming.finished()).isTrue();

        // The second holder appears, then the first one dies (its agent stopped mid-transfer).
        survivor.advertise(List.of("sha256:layer"));
        await().atMost(WAIT)
                .until(() ->
                        puller.dht().providerStore().get(mh("sha256:layer")).size() == 2);
        first.close();
        nodes.remove(first);
        long closed = System.nanoTime();

        // Retried lookups find the survivor once the short result stops being fresh, within a second of that.
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    try (ProviderStream s = puller.lookup("sha256:layer", 3)) {
                        assertThat(drain(s)).contains(survivor.peerId());
                    }
                });
        assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(LookupCache.FRESH.plusSeconds(1));
        // The reader that was streaming when the first holder died sees it too (the cached entry was re-opened).
        Optional<Provider> next = streaming.poll(Duration.ofSeconds(1));
        assertThat(next).map(Provider::peerId).contains(survivor.peerId());
        streaming.close();
    }

    @Test
    void coldLookupWhileTheProviderInUseClosesStillYieldsTheOtherHolder() throws Exception {
        List<P2pNode> c = trio(70);
        P2pNode first = c.get(0);
        P2pNode survivor = c.get(1);
        P2pNode puller = c.get(2);
        first.advertise(List.of("sha256:blob"));
        survivor.advertise(List.of("sha256:blob"));
        await().atMost(WAIT)
                .until(() -> puller.dht().providerStore().get(mh("sha256:blob")).size() == 2);
        try (ProviderStream s = puller.lookup("sha256:blob", 3)) {
            Optional<Provider> used = s.poll(WAIT);
            assertThat(used).isPresent();
            P2pNode dead = used.get().peerId().equals(first.peerId()) ? first : survivor;
            P2pNode alive = dead == first ? survivor : first;
            dead.close();
            nodes.remove(dead);
            // Local records of every holder are streamed at once: the other one is already there.
            assertThat(s.poll(Duration.ofSeconds(1))).map(Provider::peerId).contains(alive.peerId());
            // The rest of the walk reaches the dead peer and must end fast, not after the 10 s request timeout.
            await().atMost(Duration.ofSeconds(3)).until(s::finished);
        }
    }

    @Test
    void queryReachingAPeerKilledAfterItStartedEndsPromptly() throws Exception {
        List<P2pNode> c = trio(80);
        P2pNode victim = c.get(0);
        P2pNode holder = c.get(1);
        P2pNode puller = c.get(2);
        holder.advertise(List.of("sha256:k"));
        await().atMost(WAIT)
                .until(() -> !puller.dht().providerStore().get(mh("sha256:k")).isEmpty());
        victim.kill();
        nodes.remove(victim);
        // The victim is still in the puller's routing table; its socket is gone, so requests to it fail at once.
        assertThat(puller.peers()).extracting(Provider::peerId).contains(victim.peerId());
        try (ProviderStream s = puller.lookup("sha256:unknown-key", 3)) {
            await().atMost(Duration.ofSeconds(3)).until(s::finished);
            assertThat(s.poll(Duration.ZERO)).isEmpty();
        }
        try (ProviderStream s = puller.lookup("sha256:k", 3)) {
            assertThat(s.poll(Duration.ofSeconds(1))).map(Provider::peerId).contains(holder.peerId());
            await().atMost(Duration.ofSeconds(3)).until(s::finished);
        }
    }

    private static byte[] mh(String key) {
        return dev.speglar.p2p.multiformats.Cid.ofKey(key).multihash().bytes();
    }
}

package dev.speglar.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.multiformats.Multiaddr;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node listening on an IPv4 and an IPv6 address (comma-separated --router-addr) advertises both; an IPv4-only peer
 * and an IPv6-only peer join through it and each is told the address of the family it can use. Nodes dial only
 * families they listen on, so the single-stack nodes never connect to each other here either;
 * {@code NetnsDualStackE2ETest} has hosts that really lack the other family.
 */
class DualStackTest {
    private final List<P2pNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(P2pNode::close);
    }

    private P2pNode start(String listen, List<String> seeds) {
        P2pNode n = P2pNode.start(P2pConfig.builder()
                .listenAddress(listen)
                .bootstrap(seeds.isEmpty() ? BootstrapConfig.none() : BootstrapConfig.staticPeers(seeds))
                .build());
        nodes.add(n);
        return n;
    }

    private static String seed(P2pNode n, String family) {
        Multiaddr a = n.listenAddrs().stream()
                .filter(m -> m.toString().startsWith("/" + family + "/"))
                .findFirst()
                .orElseThrow();
        return a + "/p2p/" + n.peerId();
    }

    @Test
    void dualStackNodeListensAndAdvertisesBothFamilies() throws Exception {
        P2pNode dual = start("127.0.0.52:0,[::1]:0", List.of());
        assertThat(dual.listenAddrs())
                .extracting(Object::toString)
                .anyMatch(a -> a.startsWith("/ip4/127.0.0.52/tcp/"))
                .anyMatch(a -> a.startsWith("/ip6/::1/tcp/"));
        P2pNode v4 = start("127.0.0.53:0", List.of(seed(dual, "ip4")));
        await().atMost(Duration.ofSeconds(20)).until(v4::ready);
        dual.advertise(List.of("sha256:from-dual"));
        // The IPv4 peer is told the dual node's address of the family it connected over.
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(first(v4, "sha256:from-dual")).hasValueSatisfying(p -> {
                    assertThat(p.peerId()).isEqualTo(dual.peerId());
                    assertThat(p.addresses()).contains(InetAddress.ofLiteral("127.0.0.52"));
                }));
    }

    @Test
    void v4OnlyDualAndV6OnlyNodesFindEachOthersRecords() throws Exception {
        P2pNode dual = start("127.0.0.55:0,[::1]:0", List.of());
        P2pNode v4 = start("127.0.0.56:0", List.of(seed(dual, "ip4")));
        P2pNode v6 = start("[::1]:0", List.of(seed(dual, "ip6")));
        await().atMost(Duration.ofSeconds(20)).until(v4::ready);
        await().atMost(Duration.ofSeconds(20)).until(v6::ready);
        dual.advertise(List.of("sha256:dual"));
        v4.advertise(List.of("sha256:v4"));
        v6.advertise(List.of("sha256:v6"));
        InetAddress lo6 = InetAddress.ofLiteral("::1");
        InetAddress dual4 = InetAddress.ofLiteral("127.0.0.55");
        InetAddress v4ip = InetAddress.ofLiteral("127.0.0.56");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(first(v6, "sha256:dual"))
                    .hasValueSatisfying(p -> assertThat(p.addresses()).contains(lo6));
            assertThat(first(v4, "sha256:dual"))
                    .hasValueSatisfying(p -> assertThat(p.addresses()).contains(dual4));
            assertThat(first(v4, "sha256:v6")).hasValueSatisfying(p -> {
                assertThat(p.peerId()).isEqualTo(v6.peerId());
                assertThat(p.addresses()).containsExactly(lo6);
            });
            // Found, but a real IPv6-only host cannot reach it: the blob must come through the dual-stack node.
            assertThat(first(v6, "sha256:v4")).hasValueSatisfying(p -> {
                assertThat(p.peerId()).isEqualTo(v4.peerId());
                assertThat(p.addresses()).containsExactly(v4ip);
            });
            assertThat(first(dual, "sha256:v4")).isPresent();
            assertThat(first(dual, "sha256:v6")).isPresent();
        });
    }

    @Test
    void aDualStackPeerConnectedOverIpv4IsAlsoKnownAtItsConfirmedIpv6Address() throws Exception {
        P2pNode x = start("127.0.0.57:0,[::1]:0", List.of());
        P2pNode d = start("127.0.0.58:0,[::1]:0", List.of(seed(x, "ip4")));
        await().atMost(Duration.ofSeconds(20)).until(d::ready);
        d.advertise(List.of("sha256:dual-over-v4"));
        // d joined x over IPv4; x dialed d's claimed ::1 address, Noise proved d's key there, so both are d's.
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(first(x, "sha256:dual-over-v4"))
                        .hasValueSatisfying(p -> assertThat(p.addresses())
                                .contains(InetAddress.ofLiteral("127.0.0.58"), InetAddress.ofLiteral("::1"))));
    }

    private static Optional<Provider> first(P2pNode node, String key) throws InterruptedException {
        try (ProviderStream s = node.lookup(key, 1, true)) {
            return s.poll(Duration.ofSeconds(3));
        }
    }
}

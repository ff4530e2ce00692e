package dev.speglar.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A Java node against a real js-libp2p node: connections both ways, identify, ping and provider records. */
@Tag("real")
class JsInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KAD = "/spegel/kad/1.0.0";
    private static final String DIGEST = "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b";

    private final JavaNodes nodes = new JavaNodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void javaDialsJsAndBothIdentify() throws Exception {
        try (JsPeer js = JsPeer.start("127.0.0.61")) {
            P2pNode node = nodes.start("127.0.0.62", List.of(js.addr()));
            // Java learned the js peer (identify listed the DHT protocol, so it entered the routing table).
            await().atMost(WAIT).until(node::ready);
            assertThat(node.peers()).anySatisfy(p -> {
                assertThat(p.peerId()).isEqualTo(js.peerId());
                assertThat(p.addresses()).contains(InetAddress.getByName("127.0.0.61"));
            });
            // js learned Java's identify: protocols, agent and a dialable listen address.
            Map<String, Object> seen = js.call("peer " + node.peerId());
            assertThat(JsPeer.strings(seen.get("protocols"))).contains(KAD, "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0");
            assertThat(seen.get("agent")).isNotNull();
            assertThat(JsPeer.strings(seen.get("addrs"))).anyMatch(a -> a.startsWith("/ip4/127.0.0.62/tcp/"));
            await().atMost(WAIT).until(() -> routingSize(js) >= 1);
        }
    }

    @Test
    void jsDialsJavaAndBothIdentify() throws Exception {
        P2pNode node = nodes.start("127.0.0.63", List.of());
        try (JsPeer js = JsPeer.start("127.0.0.64")) {
            assertThat(js.call("dial " + JavaNodes.dialAddr(node)).get("peer")).isEqualTo(node.peerId());
            await().atMost(WAIT)
                    .until(() -> node.peers().stream().anyMatch(p -> p.peerId().equals(js.peerId())));
            // Java keeps only addresses at the IP the connection comes from; js-libp2p does not bind its dials to
            // its listen address, so on loopback that is 127.0.0.1, not the 127.0.0.64 it claims.
            assertThat(node.peers())
                    .filteredOn(p -> p.peerId().equals(js.peerId()))
                    .first()
                    .extracting(Provider::addresses)
                    .asList()
                    .containsExactly(InetAddress.getByName("127.0.0.1"));
            // js only adds a contact to its table after pinging it, so this also proves Java answers ping.
            await().atMost(WAIT).until(() -> routingSize(js) >= 1);
            Map<String, Object> seen = js.call("peer " + node.peerId());
            assertThat(JsPeer.strings(seen.get("protocols"))).contains(KAD);
        }
    }

    @Test
    void jsPingsJava() {
        P2pNode node = nodes.start("127.0.0.65", List.of());
        try (JsPeer js = JsPeer.start("127.0.0.66")) {
            for (int i = 0; i < 3; i++) {
                assertThat(((Number) js.call("ping " + JavaNodes.dialAddr(node)).get("rtt")).doubleValue())
                        .isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void jsProvidesJavaFinds() throws Exception {
        try (JsPeer js = JsPeer.start("127.0.0.67")) {
            P2pNode node = nodes.start("127.0.0.68", List.of(js.addr()));
            await().atMost(WAIT).until(node::ready);
            await().atMost(WAIT).until(() -> routingSize(js) >= 1);
            js.call("provide " + DIGEST);
            Provider found = firstProvider(node, DIGEST);
            assertThat(found.peerId()).isEqualTo(js.peerId());
            assertThat(found.addresses()).contains(InetAddress.getByName("127.0.0.67"));
        }
    }

    @Test
    void javaProvidesJsFinds() {
        try (JsPeer js = JsPeer.start("127.0.0.69")) {
            P2pNode node = nodes.start("127.0.0.70", List.of(js.addr()));
            await().atMost(WAIT).until(node::ready);
            node.advertise(List.of(DIGEST, "docker.io/library/alpine:3.20"));
            for (String key : List.of(DIGEST, "docker.io/library/alpine:3.20")) {
                await().atMost(WAIT).untilAsserted(() -> {
                    List<Map<String, Object>> providers =
                            JsPeer.objects(js.call("find " + key + " 1 3000").get("providers"));
                    assertThat(providers).anySatisfy(p -> {
                        assertThat(p.get("id")).isEqualTo(node.peerId());
                        assertThat(JsPeer.strings(p.get("addrs"))).anyMatch(a -> a.startsWith("/ip4/127.0.0.70/tcp/"));
                    });
                });
            }
            // An unknown key has no providers (and the lookup ends instead of hanging).
            assertThat(JsPeer.objects(js.call("find sha256:unknown 1 3000").get("providers")))
                    .isEmpty();
        }
    }

    static Provider firstProvider(P2pNode node, String key) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (ProviderStream s = node.lookup(key, 1)) {
                Optional<Provider> p = s.poll(Duration.ofSeconds(10));
                if (p.isPresent()) {
                    return p.get();
                }
            }
        }
        throw new AssertionError("no provider of " + key + " within " + WAIT);
    }

    static int routingSize(JsPeer js) {
        return ((Number) js.call("routing").get("size")).intValue();
    }
}

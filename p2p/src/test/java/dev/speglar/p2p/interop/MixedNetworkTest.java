package dev.speglar.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three js-libp2p and three Java nodes in one DHT; each provides its own key and every node finds every key,
 * whichever implementation stores the record and whichever walks the lookup.
 */
@Tag("real")
class MixedNetworkTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    @Test
    void everyNodeFindsEveryKey() throws Exception {
        List<JsPeer> js = new ArrayList<>();
        try (JavaNodes nodes0 = new JavaNodes()) {
            for (int i = 0; i < 3; i++) {
                js.add(JsPeer.start("127.0.0." + (81 + i)));
            }
            // A chain of bootstraps so no single node knows everyone at the start.
            List<P2pNode> nodes = new ArrayList<>();
            nodes.add(nodes0.start("127.0.0.84", List.of(js.get(0).addr())));
            nodes.add(nodes0.start("127.0.0.85", List.of(js.get(1).addr())));
            nodes.add(nodes0.start("127.0.0.86", List.of(JavaNodes.dialAddr(nodes.get(1)))));
            js.get(1).call("dial " + JavaNodes.dialAddr(nodes.get(0)));
            js.get(2).call("dial " + JavaNodes.dialAddr(nodes.get(2)));
            for (P2pNode n : nodes) {
                await().atMost(WAIT).until(n::ready);
            }
            for (JsPeer p : js) {
                await().atMost(WAIT).until(() -> JsInteropTest.routingSize(p) >= 1);
            }

            Map<String, String> keyOwner = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                String key = "sha256:" + "%064x".formatted(1000 + i);
                js.get(i).call("provide " + key);
                keyOwner.put(key, js.get(i).peerId());
            }
            for (int i = 0; i < 3; i++) {
                String key = "docker.io/library/java-node-" + i + ":latest";
                nodes.get(i).advertise(List.of(key));
                keyOwner.put(key, nodes.get(i).peerId());
            }

            for (Map.Entry<String, String> e : keyOwner.entrySet()) {
                for (P2pNode n : nodes) {
                    if (n.peerId().equals(e.getValue())) {
                        continue;
                    }
                    await().atMost(WAIT)
                            .untilAsserted(() -> assertThat(javaFinds(n, e.getKey()))
                                    .as("java %s finds %s", n.peerId(), e.getKey())
                                    .contains(e.getValue()));
                }
                for (JsPeer p : js) {
                    if (p.peerId().equals(e.getValue())) {
                        continue;
                    }
                    await().atMost(WAIT).untilAsserted(() -> {
                        List<Map<String, Object>> found = JsPeer.objects(
                                p.call("find " + e.getKey() + " 1 5000").get("providers"));
                        assertThat(found)
                                .as("js %s finds %s", p.peerId(), e.getKey())
                                .extracting(m -> m.get("id"))
                                .contains(e.getValue());
                    });
                }
            }
        } finally {
            js.forEach(JsPeer::close);
        }
    }

    private static Set<String> javaFinds(P2pNode node, String key) throws InterruptedException {
        Set<String> ids = new HashSet<>();
        try (ProviderStream s = node.lookup(key, 1)) {
            Optional<Provider> p = s.poll(Duration.ofSeconds(10));
            p.ifPresent(x -> ids.add(x.peerId()));
        }
        return ids;
    }
}

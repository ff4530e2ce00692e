package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.routing.P2pRouter;
import dev.speglar.oci.Digest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two P2P agents: upstream's resolve histogram and the DHT figures move when one mirrors from the other. */
class AgentMetricsTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void resolveAndDhtMetricsReflectARealLookupBetweenTwoNodes() throws Exception {
        assertThat(Main.run("demo-image", "--out", dir.resolve("a").toString(), "--layer-size", "3000"))
                .isZero();
        assertThat(Main.run("demo-image", "--out", dir.resolve("b").toString(), "--layer-size", "2000"))
                .isZero();
        try (Agent a = Agent.start(DropInFlagsTest.flags(agentArgs("127.0.0.41", "a", "--bootstrap-kind=static")))) {
            var node = ((P2pRouter) a.router()).node();
            String seed = node.listenAddrs().getFirst() + "/p2p/" + node.peerId();
            try (Agent b = Agent.start(DropInFlagsTest.flags(agentArgs(
                    "127.0.0.42",
                    "b",
                    "--bootstrap-kind=static",
                    "--static-bootstrap-peers=" + seed,
                    "--registry-addr=127.0.0.42:" + a.registryAddress().getPort())))) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> a.router().ready() && b.router().ready());
                String layer = layerOf(a);
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> metric(a, "speglar_dht_provider_records") > 0
                                && metric(b, "speglar_dht_provider_records")
                                        > metric(b, "speglar_dht_advertised_keys"));

                // A's records reach B with its (re)provides; until then B answers 404 (a miss), then it mirrors from A.
                String url = "http://127.0.0.42:" + b.registryAddress().getPort() + "/v2/library/speglar-demo/blobs/"
                        + layer + "?ns=docker.io";
                HttpResponse<byte[]> r =
                        await().atMost(Duration.ofSeconds(20)).until(() -> get(url), x -> x.statusCode() == 200);
                assertThat(Digest.sha256(r.body()).toString()).isEqualTo(layer);

                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    assertThat(metric(b, "spegel_resolve_duration_seconds_count{router=\"libp2p\"}"))
                            .isGreaterThanOrEqualTo(1);
                    assertThat(metric(b, "spegel_mirror_requests_total{cache=\"hit\",registry=\"docker.io\"}"))
                            .isEqualTo(1);
                    assertThat(metric(b, "spegel_mirror_last_success_timestamp_seconds"))
                            .isPositive();
                });
                assertThat(metric(b, "speglar_dht_routing_table_peers")).isEqualTo(1);
                assertThat(metric(a, "speglar_dht_routing_table_peers")).isEqualTo(1);
                assertThat(metric(b, "speglar_dht_lookup_duration_seconds_count{result=\"found\"}")
                                + metric(b, "speglar_dht_lookup_duration_seconds_count{result=\"none\"}"))
                        .isGreaterThanOrEqualTo(1);
                assertThat(metric(b, "speglar_dht_reprovide_runs_total")).isGreaterThanOrEqualTo(1); // on coming online
                assertThat(metric(b, "jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
                assertThat(metric(b, "process_resident_memory_bytes")).isPositive();
            }
        }
    }

    private String[] agentArgs(String ip, String layout, String... extra) {
        var args = new java.util.ArrayList<>(java.util.List.of(
                "--store=oci-layout",
                "--oci-layout-dir=" + dir.resolve(layout),
                "--registry-addr=" + ip + ":0",
                "--router-addr=" + ip + ":0",
                "--metrics-addr=" + ip + ":0",
                "--basic-auth-dir=" + dir.resolve("no-auth")));
        for (String e : extra) {
            if (e.startsWith("--registry-addr=")) {
                args.removeIf(x -> x.startsWith("--registry-addr="));
            }
            args.add(e);
        }
        return args.toArray(String[]::new);
    }

    private String layerOf(Agent a) throws Exception {
        String base = "http://" + a.registryAddress().getAddress().getHostAddress() + ":"
                + a.registryAddress().getPort();
        String manifest = new String(get(base + "/v2/library/speglar-demo/manifests/1.0?ns=docker.io")
                .body());
        Matcher m = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                .matcher(manifest);
        assertThat(m.find()).as(manifest).isTrue();
        return m.group(1);
    }

    private double metric(Agent a, String prefix) throws Exception {
        String text = new String(get("http://" + a.metricsAddress().getAddress().getHostAddress() + ":"
                        + a.metricsAddress().getPort() + "/metrics")
                .body());
        return text.lines()
                .filter(l -> l.startsWith(prefix + " "))
                .findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElse(0.0);
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}

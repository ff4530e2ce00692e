package dev.speglar.e2e.beyond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.Main;
import dev.speglar.oci.Digest;
import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;
import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.TempDirs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real agent process is flooded with thousands of silent and half-sent connections on its registry and router
 * ports. The caps hold the open count (and so memory) down, a keep-alive client keeps being served, the header
 * timeout frees every slot, and a libp2p peer joining from another address still finds the agent's content.
 */
@Tag("real")
class ListenerFloodE2ETest {
    private static final int SOURCES = 16;
    private static final int PER_SOURCE = 500;
    private static final int REGISTRY_PER_SOURCE_CAP = 256;
    private static final int REGISTRY_CAP = 2048;
    private final Flood flood = new Flood();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        flood.close();
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void floodIsCappedTimedOutAndRealClientsAreServed() throws Exception {
        Path layout = TempDirs.create("flood-layout");
        assertThat(Main.run("demo-image", "--out", layout.toString(), "--layer-size", "1000000"))
                .isZero();
        InetAddress host = LoopbackAddresses.nextAddress();
        int registryPort = LoopbackAddresses.freePort(host);
        int routerPort = LoopbackAddresses.freePort(host);
        InetAddress seedHost = LoopbackAddresses.nextAddress();
        P2pNode seed = P2pNode.start(P2pConfig.builder()
                .listenAddress(seedHost.getHostAddress() + ":0")
                .build());
        open.add(seed);
        String h = host.getHostAddress();
        AgentJvm agent = new AgentJvm(
                "agent-flood",
                h + ":" + registryPort,
                h + ":" + LoopbackAddresses.freePort(host),
                List.of(
                        "--store=oci-layout",
                        "--oci-layout-dir=" + layout,
                        "--router-addr=" + h + ":" + routerPort,
                        "--bootstrap-kind=static",
                        "--static-bootstrap-peers=" + seed.listenAddrs().getFirst() + "/p2p/" + seed.peerId(),
                        "--listener-header-timeout=5s",
                        "--listener-max-connections=" + REGISTRY_CAP,
                        "--listener-max-connections-per-source=" + REGISTRY_PER_SOURCE_CAP));
        open.add(agent);
        InetSocketAddress registry = new InetSocketAddress(host, registryPort);

        // A client like containerd's: one keep-alive connection opened before the flood.
        Socket keepAlive = new Socket(host, registryPort);
        open.add(keepAlive);
        keepAlive.setSoTimeout(10_000);
        String manifest = new String(
                Flood.exchange(keepAlive, "GET", "/v2/library/speglar-demo/manifests/1.0?ns=docker.io"),
                StandardCharsets.UTF_8);
        Matcher layer = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                .matcher(manifest);
        assertThat(layer.find()).as(manifest).isTrue();
        String manifestDigest =
                Digest.sha256(manifest.getBytes(StandardCharsets.UTF_8)).toString();
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.status(agent.registryUrl + "/readyz") == 200);
        long rssBefore = agent.rssBytes();

        for (int s = 0; s < SOURCES; s++) {
            flood.open(LoopbackAddresses.nextAddress(), registry, PER_SOURCE, true);
        }
        int attempts = SOURCES * PER_SOURCE;
        // Every attempt was either admitted (up to the caps) or refused at accept.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                agent.metric("speglar_listener_connections_open{server=\"registry\"}")
                                        + agent.metric(
                                                "speglar_listener_connections_refused_total{reason=\"source\",server=\"registry\"}")
                                        + agent.metric(
                                                "speglar_listener_connections_refused_total{reason=\"total\",server=\"registry\"}"))
                        .isGreaterThanOrEqualTo(attempts + 1));
        assertThat(agent.metric("speglar_listener_connections_open{server=\"registry\"}"))
                .isLessThanOrEqualTo(REGISTRY_CAP);
        assertThat(agent.metric("speglar_listener_connections_refused_total{reason=\"total\",server=\"registry\"}"))
                .isGreaterThan(0);
        long rssDuring = agent.rssBytes();

        // The pooled connection is still served, bytes intact.
        byte[] blob =
                Flood.exchange(keepAlive, "GET", "/v2/library/speglar-demo/blobs/" + layer.group(1) + "?ns=docker.io");
        assertThat(Digest.sha256(blob).toString()).isEqualTo(layer.group(1));

        // Router port: 100 silent connections from each of 8 sources (at most 32 each are admitted).
        InetSocketAddress router = new InetSocketAddress(host, routerPort);
        for (int s = 0; s < 8; s++) {
            flood.open(LoopbackAddresses.nextAddress(), router, 100, false);
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(agent.metric("speglar_p2p_connections_refused_total{reason=\"source\"}"))
                                .isEqualTo(800 - 8 * 32));
        // A peer joining now, from its own address, bootstraps through the flooded port and finds the agent's image.
        InetAddress joinerHost = LoopbackAddresses.nextAddress();
        P2pNode joiner = P2pNode.start(P2pConfig.builder()
                .listenAddress(joinerHost.getHostAddress() + ":0")
                .bootstrap(BootstrapConfig.staticPeers(List.of("/ip4/" + h + "/tcp/" + routerPort)))
                .build());
        open.add(joiner);
        await().atMost(Duration.ofSeconds(30)).until(joiner::ready);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> providers(joiner, manifestDigest).stream()
                        .anyMatch(p -> p.addresses().contains(host)));

        // The header timeout frees every flooded slot; new clients are served again.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(agent.metric("speglar_listener_connections_open{server=\"registry\"}"))
                        .isLessThanOrEqualTo(1));
        assertThat(agent.metric("speglar_listener_connections_timed_out_total{reason=\"header\",server=\"registry\"}"))
                .isGreaterThanOrEqualTo(REGISTRY_CAP - 2); // the keep-alive client and readiness probe hold two
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(agent.metric("speglar_p2p_handshake_timeouts_total"))
                        .isGreaterThanOrEqualTo(8 * 32));
        try (Socket fresh = new Socket(host, registryPort)) {
            fresh.setSoTimeout(10_000);
            assertThat(Digest.sha256(Flood.exchange(
                                    fresh, "GET", "/v2/library/speglar-demo/blobs/" + layer.group(1) + "?ns=docker.io"))
                            .toString())
                    .isEqualTo(layer.group(1));
        }
        // Open flood sockets were closed by the agent, not left hanging.
        assertThat(flood.closedByServer()).isEqualTo(flood.size());

        // Memory: the caps bound it; 8,000 unbounded connections cost about 28 MiB (issue 14's measurement).
        long grewMiB = (rssDuring - rssBefore) >> 20;
        System.out.printf(
                "flood: RSS before %d MiB, during %d MiB (+%d MiB) with %d attempts%n",
                rssBefore >> 20, rssDuring >> 20, grewMiB, attempts);
        assertThat(grewMiB).as(agent.logTail()).isLessThan(20);
    }

    private static List<Provider> providers(P2pNode node, String key) throws InterruptedException {
        List<Provider> out = new ArrayList<>();
        try (ProviderStream s = node.lookup(key, 3)) {
            Optional<Provider> p;
            while ((p = s.poll(Duration.ofSeconds(5))).isPresent()) {
                out.add(p.get());
            }
        }
        return out;
    }
}

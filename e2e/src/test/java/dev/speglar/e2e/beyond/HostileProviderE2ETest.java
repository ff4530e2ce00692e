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
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.host.HostConfig;
import dev.speglar.p2p.identify.IdentifyService;
import dev.speglar.p2p.kad.Dht;
import dev.speglar.p2p.kad.DhtConfig;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.TempDirs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A hostile libp2p peer (our own stack, told to lie) announces itself, in identify and in ADD_PROVIDER, at
 * 127.0.0.98, an address it does not own, for content two real agents serve. The agents keep only the address its
 * connection comes from: no record names 127.0.0.98, and neither the DHT nor the mirror ever connects there.
 */
@Tag("real")
class HostileProviderE2ETest {
    private static final InetAddress THIRD_HOST = InetAddress.ofLiteral("127.0.0.98");
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T own(T c) {
        open.add(c);
        return c;
    }

    @Test
    void addressesAPeerDoesNotOwnAreNeverStoredServedOrDialed() throws Exception {
        Path layoutA = TempDirs.create("hostile-a");
        Path layoutB = TempDirs.create("hostile-b");
        assertThat(Main.run("demo-image", "--out", layoutA.toString(), "--layer-size", "200000"))
                .isZero();
        assertThat(Main.run(
                        "demo-image",
                        "--out",
                        layoutB.toString(),
                        "--layer-size",
                        "1000",
                        "--name",
                        "docker.io/library/other:1.0"))
                .isZero();
        InetAddress hostA = LoopbackAddresses.nextAddress();
        InetAddress hostB = LoopbackAddresses.nextAddress();
        InetAddress hostH = LoopbackAddresses.nextAddress();
        int registryPort = LoopbackAddresses.freePort(hostA);
        int hostileRouterPort = LoopbackAddresses.freePort(hostH);
        Trap registryTrap = own(new Trap(new InetSocketAddress(THIRD_HOST, registryPort)));
        Trap routerTrap = own(new Trap(new InetSocketAddress(THIRD_HOST, hostileRouterPort)));

        // The hostile peer: a plain host + DHT whose identify and provider records claim 127.0.0.98.
        List<Multiaddr> lie = List.of(Multiaddr.tcp(THIRD_HOST, hostileRouterPort));
        Host hostile = own(new Host(Ed25519Identity.generate(), HostConfig.defaults()));
        IdentifyService identify = new IdentifyService(hostile, () -> lie);
        Dht hostileDht = new Dht(hostile, DhtConfig.defaults("/spegel/kad/1.0.0"), () -> lie);
        hostile.onConnection(c -> identify.identify(c).thenAccept(id -> hostileDht.peerIdentified(c, id)));
        hostile.listen(new InetSocketAddress(hostH, hostileRouterPort));
        String hostileAddr =
                "/ip4/" + hostH.getHostAddress() + "/tcp/" + hostileRouterPort + "/p2p/" + hostile.peerId();

        int routerA = LoopbackAddresses.freePort(hostA);
        AgentJvm a = own(agent("agent-a", hostA, registryPort, routerA, layoutA, hostileAddr));
        int routerB = LoopbackAddresses.freePort(hostB);
        AgentJvm b = own(agent(
                "agent-b",
                hostB,
                registryPort,
                routerB,
                layoutB,
                "/ip4/" + hostA.getHostAddress() + "/tcp/" + routerA));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> a.status(a.registryUrl + "/readyz") == 200 && b.status(b.registryUrl + "/readyz") == 200);

        String manifest = new String(get(a.registryUrl + "/v2/library/speglar-demo/manifests/1.0?ns=docker.io")
                .body());
        Matcher layer = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                .matcher(manifest);
        assertThat(layer.find()).isTrue();
        String blob = layer.group(1);

        // The hostile peer claims the layer, towards every agent it knows.
        hostile.dial(new InetSocketAddress(hostB, routerB), null).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> hostileDht.routingTable().size() >= 2);
        hostileDht.provide(Cid.ofKey(blob).multihash().bytes()).get(10, TimeUnit.SECONDS);

        // An honest observer sees the hostile record only at the hostile peer's own address.
        P2pNode observer = own(P2pNode.start(P2pConfig.builder()
                .listenAddress(LoopbackAddresses.nextAddress().getHostAddress() + ":0")
                .bootstrap(BootstrapConfig.staticPeers(List.of("/ip4/" + hostA.getHostAddress() + "/tcp/" + routerA)))
                .build()));
        await().atMost(Duration.ofSeconds(30)).until(observer::ready);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Provider> providers = providers(observer, blob);
            assertThat(providers)
                    .extracting(Provider::peerId)
                    .contains(hostile.peerId().toBase58());
            assertThat(providers).allSatisfy(p -> assertThat(p.addresses()).doesNotContain(THIRD_HOST));
            assertThat(providers)
                    .filteredOn(p -> p.peerId().equals(hostile.peerId().toBase58()))
                    .allSatisfy(p -> assertThat(p.addresses()).containsExactly(hostH));
        });

        // B pulls the layer through its mirror, several times (each lookup may pick the hostile record first).
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> r = get(b.registryUrl + "/v2/library/speglar-demo/blobs/" + blob + "?ns=docker.io");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(r.body()).toString()).isEqualTo(blob);
        }
        assertThat(registryTrap.accepted())
                .as("mirror fetches sent to 127.0.0.98")
                .isZero();
        assertThat(routerTrap.accepted()).as("DHT dials sent to 127.0.0.98").isZero();
    }

    private static AgentJvm agent(
            String name, InetAddress host, int registryPort, int routerPort, Path layout, String bootstrap) {
        String h = host.getHostAddress();
        return new AgentJvm(
                name,
                h + ":" + registryPort,
                h + ":" + LoopbackAddresses.freePort(host),
                List.of(
                        "--store=oci-layout",
                        "--oci-layout-dir=" + layout,
                        "--router-addr=" + h + ":" + routerPort,
                        "--bootstrap-kind=static",
                        "--static-bootstrap-peers=" + bootstrap,
                        "--mirror-resolve-timeout=200ms"));
    }

    private static List<Provider> providers(P2pNode node, String key) throws InterruptedException {
        List<Provider> out = new ArrayList<>();
        try (ProviderStream s = node.lookup(key, 5)) {
            Optional<Provider> p;
            while ((p = s.poll(Duration.ofSeconds(5))).isPresent()) {
                out.add(p.get());
            }
        }
        return out;
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}

package dev.speglar.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.host.HostConfig;
import dev.speglar.p2p.identify.IdentifyMessage;
import dev.speglar.p2p.identify.IdentifyService;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.ping.PingService;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The transport layer (TCP + multistream + Noise + yamux) with identify and ping, both ways against js-libp2p. */
@Tag("real")
class HostJsInteropTest {
    private Host host;
    private InetSocketAddress hostAddr;

    @BeforeEach
    void start() {
        host = new Host(Ed25519Identity.generate(), HostConfig.defaults());
        new PingService(host);
        new IdentifyService(
                host,
                () -> host.boundAddresses().stream()
                        .map(s -> Multiaddr.tcp(s.getAddress(), s.getPort()))
                        .toList());
        hostAddr = host.listen(new InetSocketAddress("127.0.0.51", 0));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private String hostMultiaddr() {
        return Multiaddr.tcp(hostAddr.getAddress(), hostAddr.getPort())
                .withPeerId(host.peerId())
                .toString();
    }

    @Test
    void javaDialsJsThenPingsAndIdentifies() throws Exception {
        try (JsPeer js = JsPeer.start("127.0.0.52")) {
            Multiaddr jsAddr = Multiaddr.parse(js.addr());
            Connection c = host.dial(jsAddr.tcpSocketAddress().orElseThrow(), PeerId.parse(js.peerId()))
                    .get(10, TimeUnit.SECONDS);
            assertThat(c.remotePeer().toBase58()).isEqualTo(js.peerId());
            for (int i = 0; i < 3; i++) {
                assertThat(PingService.ping(c).get(10, TimeUnit.SECONDS)).isPositive();
            }
            IdentifyMessage id = new IdentifyService(host, List::of).identify(c).get(10, TimeUnit.SECONDS);
            assertThat(id.agentVersion()).startsWith("js-libp2p/");
            assertThat(id.protocols()).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/spegel/kad/1.0.0");
            assertThat(id.listenAddrs()).contains(jsAddr.withoutPeerId());
            assertThat(PeerId.fromPublicKeyProtobuf(id.publicKey()).toBase58()).isEqualTo(js.peerId());
            assertThat(id.observedAddr().ip())
                    .hasValueSatisfying(ip -> assertThat(ip.getHostAddress()).isEqualTo("127.0.0.51"));
            // js identified us over the same connection.
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(JsPeer.strings(
                                    js.call("peer " + host.peerId().toBase58()).get("protocols")))
                            .contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"));
        }
    }

    @Test
    void jsDialsJavaThenPingsAndIdentifies() throws Exception {
        try (JsPeer js = JsPeer.start("127.0.0.53")) {
            assertThat(js.call("dial " + hostMultiaddr()).get("peer"))
                    .isEqualTo(host.peerId().toBase58());
            for (int i = 0; i < 3; i++) {
                assertThat(((Number) js.call("ping " + hostMultiaddr()).get("rtt")).doubleValue())
                        .isNotNegative();
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, Object> seen = js.call("peer " + host.peerId().toBase58());
                assertThat(JsPeer.strings(seen.get("protocols"))).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0");
                assertThat(JsPeer.strings(seen.get("addrs"))).contains("/ip4/127.0.0.51/tcp/" + hostAddr.getPort());
                assertThat(seen.get("agent")).isNotNull();
            });
            // The inbound connection is usable from our side too (we are the yamux server here).
            Connection c = host.connection(PeerId.parse(js.peerId())).orElseThrow();
            assertThat(PingService.ping(c).get(10, TimeUnit.SECONDS)).isPositive();
            IdentifyMessage id = new IdentifyService(host, List::of).identify(c).get(10, TimeUnit.SECONDS);
            assertThat(id.protocols()).contains("/spegel/kad/1.0.0");
        }
    }
}

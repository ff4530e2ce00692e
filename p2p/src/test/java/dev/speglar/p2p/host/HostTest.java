package dev.speglar.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.identify.IdentifyMessage;
import dev.speglar.p2p.identify.IdentifyService;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multistream.ProtocolNotSupportedException;
import dev.speglar.p2p.noise.PeerIdMismatchException;
import dev.speglar.p2p.ping.PingService;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HostTest {
    private Host a;
    private Host b;
    private InetSocketAddress bAddr;

    @BeforeEach
    void start() throws Exception {
        a = newHost();
        b = newHost();
        a.listen(new InetSocketAddress("127.0.0.2", 0));
        bAddr = b.listen(new InetSocketAddress("127.0.0.3", 0));
    }

    private static Host newHost() {
        return newHost(HostConfig.defaults());
    }

    private static Host newHost(HostConfig config) {
        Host h = new Host(Ed25519Identity.generate(), config);
        new PingService(h);
        new IdentifyService(
                h,
                () -> h.boundAddresses().stream()
                        .map(s -> Multiaddr.tcp(s.getAddress(), s.getPort()))
                        .toList());
        return h;
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void dialsWithNoiseAndYamuxThenPingsAndIdentifies() throws Exception {
        Connection c = a.dial(bAddr, b.peerId()).get(10, TimeUnit.SECONDS);
        assertThat(c.remotePeer()).isEqualTo(b.peerId());
        Duration rtt = PingService.ping(c).get(10, TimeUnit.SECONDS);
        assertThat(rtt).isPositive();
        IdentifyMessage id = new IdentifyService(a, List::of).identify(c).get(10, TimeUnit.SECONDS);
        assertThat(id.protocols()).contains(PingService.PROTOCOL, IdentifyService.PROTOCOL);
        assertThat(id.listenAddrs()).containsExactly(Multiaddr.tcp(bAddr.getAddress(), bAddr.getPort()));
        assertThat(id.observedAddr().ip())
                .hasValueSatisfying(ip -> assertThat(ip.getHostAddress()).isEqualTo("127.0.0.2"));
        // The same connection is reused for the peer.
        assertThat(a.connect(b.peerId(), List.of()).get(5, TimeUnit.SECONDS)).isSameAs(c);
        assertThat(b.connection(a.peerId())).isPresent();
    }

    @Test
    void manyConcurrentStreamsOnOneConnection() throws Exception {
        Connection c = a.dial(bAddr, b.peerId()).get(10, TimeUnit.SECONDS);
        var pings = java.util.stream.IntStream.range(0, 300)
                .mapToObj(i -> PingService.ping(c))
                .toList();
        for (var p : pings) {
            assertThat(p.get(20, TimeUnit.SECONDS)).isPositive();
        }
    }

    @Test
    void unknownIdIsLearnedFromTheHandshakeAndWrongIdIsRefused() throws Exception {
        Connection c = a.dial(bAddr, null).get(10, TimeUnit.SECONDS);
        assertThat(c.remotePeer()).isEqualTo(b.peerId());
        assertThatThrownBy(
                        () -> a.dial(bAddr, Ed25519Identity.generate().peerId()).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PeerIdMismatchException.class);
    }

    @Test
    void unsupportedProtocolIsAnsweredNa() throws Exception {
        Connection c = a.dial(bAddr, b.peerId()).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> c.openStream("/nope/1.0.0", (s, d) -> {}).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ProtocolNotSupportedException.class);
        // The connection survives a refused protocol.
        assertThat(PingService.ping(c).get(10, TimeUnit.SECONDS)).isPositive();
    }

    @Test
    void listenerAnswersNaToTlsThenAcceptsNoiseLikeAGoDialer() throws Exception {
        HexFormat hex = HexFormat.of();
        try (Socket s = new Socket(bAddr.getAddress(), bAddr.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(hex.parseHex("132f6d756c746973747265616d2f312e302e300a" + "0b2f746c732f312e302e300a"));
            assertThat(in.readNBytes(20 + 4))
                    .isEqualTo(hex.parseHex("132f6d756c746973747265616d2f312e302e300a036e610a"));
            out.write(hex.parseHex("072f6e6f6973650a"));
            assertThat(in.readNBytes(8)).isEqualTo(hex.parseHex("072f6e6f6973650a"));
            // Garbage instead of a Noise message: the listener closes the connection instead of hanging.
            out.write(hex.parseHex("0003ffffff"));
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void connectionLimitRefusesExtraConnections() throws Exception {
        Host small = new Host(Ed25519Identity.generate(), HostConfig.defaults().withMaxConnections(1));
        try {
            InetSocketAddress addr = small.listen(new InetSocketAddress("127.0.0.4", 0));
            a.dial(addr, small.peerId()).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> b.dial(addr, small.peerId()).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            assertThat(small.counters().refusedTotal()).isEqualTo(1);
        } finally {
            small.close();
        }
    }

    @Test
    void atTheCapTheLongestIdleConnectionMakesRoomForANewOne() throws Exception {
        // Idle timeout 3 s: a connection without streams for 300 ms (a tenth) may be trimmed.
        Host small = newHost(HostConfig.defaults()
                .withMaxConnections(1)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(3)));
        try {
            InetSocketAddress addr = small.listen(new InetSocketAddress("127.0.0.6", 0));
            Connection first = a.dial(addr, small.peerId()).get(10, TimeUnit.SECONDS);
            // A fresh connection is not trimmed: the cap refuses.
            assertThatThrownBy(() -> b.dial(addr, small.peerId()).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            // The listener registers its side after reading the last handshake message, maybe after the dialer.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> small.connection(a.peerId()).isPresent());
            Connection held = small.connection(a.peerId()).orElseThrow();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> held.session().sinceLastStreamChange().toMillis() >= 300);
            Connection second = b.dial(addr, small.peerId()).get(10, TimeUnit.SECONDS);
            assertThat(PingService.ping(second).get(10, TimeUnit.SECONDS)).isPositive();
            await().atMost(Duration.ofSeconds(5)).until(() -> !first.isActive());
            assertThat(small.connection(a.peerId())).isEmpty();
            assertThat(small.counters().refusedTotal()).isEqualTo(1);
        } finally {
            small.close();
        }
    }

    @Test
    void muxerFallsBackToMultistreamWhenEitherSideListsNoMuxer() throws Exception {
        for (boolean dialerEarly : new boolean[] {true, false}) {
            Host plain = newHost(HostConfig.defaults().withEarlyMuxer(false));
            Host early = newHost(HostConfig.defaults().withEarlyMuxer(true));
            try {
                Host listener = dialerEarly ? plain : early;
                Host dialer = dialerEarly ? early : plain;
                InetSocketAddress addr = listener.listen(new InetSocketAddress("127.0.0.5", 0));
                Connection c = dialer.dial(addr, listener.peerId()).get(10, TimeUnit.SECONDS);
                assertThat(PingService.ping(c).get(10, TimeUnit.SECONDS)).isPositive();
            } finally {
                plain.close();
                early.close();
            }
        }
    }

    @Test
    void ipv6ListenAndDial() throws Exception {
        Host v6 = newHost();
        try {
            InetSocketAddress addr = v6.listen(new InetSocketAddress("::1", 0));
            Connection c = a.dial(addr, v6.peerId()).get(10, TimeUnit.SECONDS);
            assertThat(c.remoteMultiaddr().toString()).startsWith("/ip6/::1/tcp/");
            assertThat(PingService.ping(c).get(10, TimeUnit.SECONDS)).isPositive();
        } finally {
            v6.close();
        }
    }

    @Test
    void silentClientIsDroppedAfterTheHandshakeTimeout() throws Exception {
        Host strict = newHost(HostConfig.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofMinutes(1)));
        try {
            InetSocketAddress addr = strict.listen(new InetSocketAddress("127.0.0.6", 0));
            try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                // The listener's multistream header arrives first, then EOF once the timeout fires.
                assertThat(in.readNBytes(20)).hasSize(20);
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(strict.counters().handshakeTimeouts()).isEqualTo(1);
        } finally {
            strict.close();
        }
    }

    @Test
    void perSourceCapRefusesOneAddressButNotAPeerFromAnother() throws Exception {
        Host capped = newHost(HostConfig.defaults().withMaxInboundPerSource(2));
        List<Socket> held = new java.util.ArrayList<>();
        try {
            InetSocketAddress addr = capped.listen(new InetSocketAddress("127.0.0.8", 0));
            for (int i = 0; i < 3; i++) {
                Socket s =
                        new Socket(addr.getAddress(), addr.getPort(), java.net.InetAddress.getByName("127.0.0.9"), 0);
                s.setSoTimeout(10_000);
                held.add(s);
            }
            // The third connection from 127.0.0.9 is closed without a multistream header.
            assertThat(held.get(2).getInputStream().read()).isEqualTo(-1);
            assertThat(capped.counters().refusedSource()).isEqualTo(1);
            // a dials from 127.0.0.2: unaffected.
            Connection c = a.dial(addr, capped.peerId()).get(10, TimeUnit.SECONDS);
            assertThat(PingService.ping(c).get(10, TimeUnit.SECONDS)).isPositive();
        } finally {
            for (Socket s : held) {
                s.close();
            }
            capped.close();
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        Host idle = newHost(HostConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500)));
        try {
            InetSocketAddress addr = idle.listen(new InetSocketAddress("127.0.0.7", 0));
            Connection c = a.dial(addr, idle.peerId()).get(10, TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !c.isActive());
            assertThat(a.connection(idle.peerId())).isEmpty();
        } finally {
            idle.close();
        }
    }

    @Test
    void goAwayRetiresTheConnectionAndTheNextConnectDialsAgain() throws Exception {
        Connection first = a.dial(bAddr, b.peerId()).get(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> b.connection(a.peerId()).isPresent());
        b.connection(a.peerId()).orElseThrow().close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !first.isUsable());
        Connection second = a.connect(b.peerId(), List.of(Multiaddr.tcp(bAddr.getAddress(), bAddr.getPort())))
                .get(10, TimeUnit.SECONDS);
        assertThat(second).isNotSameAs(first);
        assertThat(PingService.ping(second).get(10, TimeUnit.SECONDS)).isPositive();
    }
}

package dev.speglar.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pConfig;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void listenAddressesParseLikeRouterAddr() {
        assertThat(ListenAddress.parse(":5001")).satisfies(a -> {
            assertThat(a.getAddress().isAnyLocalAddress()).isTrue();
            assertThat(a.getPort()).isEqualTo(5001);
        });
        assertThat(ListenAddress.parse("127.0.0.5:5001").getAddress().getHostAddress())
                .isEqualTo("127.0.0.5");
        assertThat(ListenAddress.parse("[::1]:5001").getAddress().getHostAddress())
                .isEqualTo("0:0:0:0:0:0:0:1");
        assertThatThrownBy(() -> ListenAddress.parse("5001")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ListenAddress.parse(":99999")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ListenAddress.parse(":http")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loopbackIsAdvertisedOnlyWhenNothingElseIs() {
        assertThat(SelfAddresses.of(List.of(new InetSocketAddress("127.0.0.5", 5001))))
                .extracting(Object::toString)
                .containsExactly("/ip4/127.0.0.5/tcp/5001");
        assertThat(SelfAddresses.of(
                        List.of(new InetSocketAddress("127.0.0.5", 5001), new InetSocketAddress("10.1.2.3", 5001))))
                .extracting(Object::toString)
                .containsExactly("/ip4/10.1.2.3/tcp/5001");
        // Each listener keeps its own port: "127.0.0.5:0,[::1]:0" binds two different ones.
        assertThat(SelfAddresses.of(
                        List.of(new InetSocketAddress("127.0.0.5", 40001), new InetSocketAddress("::1", 40002))))
                .extracting(Object::toString)
                .containsExactly("/ip4/127.0.0.5/tcp/40001", "/ip6/::1/tcp/40002");
        // A wildcard expands to interface addresses (at least loopback in a bare sandbox), never to 0.0.0.0.
        assertThat(SelfAddresses.of(List.of(new InetSocketAddress(5001))))
                .isNotEmpty()
                .allSatisfy(a ->
                        assertThat(a.ip().orElseThrow().isAnyLocalAddress()).isFalse())
                .allSatisfy(a -> assertThat(a.tcpPort()).contains(5001));
    }

    @Test
    void onlyFamiliesThisHostListensOnAreDialed() {
        List<dev.speglar.p2p.multiformats.Multiaddr> peer = List.of(
                dev.speglar.p2p.multiformats.Multiaddr.parse("/ip6/fd00:5a::a/tcp/5001"),
                dev.speglar.p2p.multiformats.Multiaddr.parse("/ip4/10.90.0.10/tcp/5001"),
                dev.speglar.p2p.multiformats.Multiaddr.parse("/ip4/0.0.0.0/tcp/5001"));
        assertThat(DialTargets.of(peer, List.of(new InetSocketAddress("10.90.0.12", 5001))))
                .containsExactly(new InetSocketAddress("10.90.0.10", 5001));
        assertThat(DialTargets.of(peer, List.of(new InetSocketAddress("fd00:5a::b", 5001))))
                .containsExactly(new InetSocketAddress("fd00:5a::a", 5001));
        // "::" (what a ":5001" listener reports once bound) is one dual-stack socket; before listening anything goes.
        assertThat(DialTargets.of(peer, List.of(new InetSocketAddress(java.net.InetAddress.ofLiteral("::"), 5001))))
                .hasSize(2);
        assertThat(DialTargets.of(peer, List.of())).hasSize(2);
        assertThat(DialTargets.of(peer, List.of(new InetSocketAddress("0.0.0.0", 5001))))
                .containsExactly(new InetSocketAddress("10.90.0.10", 5001));
    }

    @Test
    void configValidatesItsValues() {
        assertThat(P2pConfig.builder().build().kadProtocol()).isEqualTo("/spegel/kad/1.0.0");
        assertThat(P2pConfig.builder().protocolPrefix("/other").build().kadProtocol())
                .isEqualTo("/other/kad/1.0.0");
        assertThatThrownBy(() -> P2pConfig.builder().protocolPrefix("spegel").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> P2pConfig.builder().maxConnections(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}

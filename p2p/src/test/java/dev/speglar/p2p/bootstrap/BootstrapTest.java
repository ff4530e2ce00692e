package dev.speglar.p2p.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootstrapTest {
    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dnsKeepsTheLowestThreePerFamilyAsIpOnlyAddresses() throws Exception {
        DnsBootstrapper dns = new DnsBootstrapper("spegel-bootstrap", name -> new InetAddress[] {
            ip("10.0.0.9"),
            ip("10.0.0.10"),
            ip("10.0.0.2"),
            ip("10.0.0.3"),
            ip("fd00::2"),
            ip("fd00::1"),
            ip("10.0.0.2")
        });
        assertThat(dns.get())
                .extracting(p -> p.addrs().getFirst().toString())
                .containsExactly("/ip4/10.0.0.2", "/ip4/10.0.0.3", "/ip4/10.0.0.9", "/ip6/fd00::1", "/ip6/fd00::2");
        assertThat(dns.get()).allMatch(p -> p.id() == null);
    }

    @Test
    void dnsResolvesLocalhostAndFailsWithoutRecords() throws Exception {
        assertThat(new DnsBootstrapper("localhost").get())
                .extracting(p -> p.addrs().getFirst().ip().orElseThrow())
                .contains(InetAddress.getByName("127.0.0.1"));
        // No records at all is an error (upstream: only when both families fail); no real DNS query leaves the host.
        assertThatThrownBy(() -> new DnsBootstrapper("empty", name -> new InetAddress[0]).get())
                .isInstanceOf(UnknownHostException.class);
    }

    @Test
    void idJsonRoundTripsUpstreamShape() {
        PeerId id = Ed25519Identity.generate().peerId();
        String json = IdJson.format(id, List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/5001")));
        assertThat(json).isEqualTo("[{\"ID\":\"" + id + "\",\"Addrs\":[\"/ip4/10.0.0.1/tcp/5001\"]}]");
        List<BootstrapPeer> peers = IdJson.parse(json);
        assertThat(peers).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo(id);
            assertThat(p.addrs()).extracting(Object::toString).containsExactly("/ip4/10.0.0.1/tcp/5001");
        });
        assertThat(IdJson.parse(" [ { \"Addrs\" : [ \"/ip4/10.0.0.2/tcp/5001\" ] , \"ID\": \"\" } ] "))
                .singleElement()
                .satisfies(p -> assertThat(p.id()).isNull());
        assertThat(IdJson.parse("[]")).isEmpty();
    }

    @Test
    void badBootstrapDocumentsAreTypedErrors() {
        for (String bad : List.of(
                "",
                "{}",
                "[{\"ID\":1}]",
                "[{\"ID\":\"x\"}]",
                "[{\"Addrs\":[\"nope\"]}]",
                "[]x",
                "[{\"ID\":\"\\q\"}]",
                "[" + "{}".repeat(40_000) + "]")) {
            assertThatThrownBy(() -> IdJson.parse(bad))
                    .as(bad.length() > 40 ? "huge" : bad)
                    .isInstanceOf(P2pProtocolException.class);
        }
    }

    @Test
    void staticPeersParseWithAndWithoutId() {
        PeerId id = Ed25519Identity.generate().peerId();
        List<BootstrapPeer> peers =
                new StaticBootstrapper(List.of("/ip4/10.0.0.1/tcp/5001/p2p/" + id, "/ip6/::1/tcp/5001")).get();
        assertThat(peers.get(0).id()).isEqualTo(id);
        assertThat(peers.get(0).addrs()).extracting(Object::toString).containsExactly("/ip4/10.0.0.1/tcp/5001");
        assertThat(peers.get(1).id()).isNull();
        assertThatThrownBy(() -> new StaticBootstrapper(List.of("10.0.0.1:5001")))
                .isInstanceOf(P2pProtocolException.class);
    }
}

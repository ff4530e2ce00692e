package dev.speglar.p2p.kad;

import static dev.speglar.p2p.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.Vectors;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.proto.ProtoWriter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KadMessageTest {
    @Test
    void encodesAndDecodesEveryVectorByteForByte() {
        for (Map<String, Object> v : Vectors.list("dht")) {
            byte[] body = hex(v.get("body"));
            KadMessage m = KadMessage.decode(body);
            assertThat(m.encode()).as((String) v.get("what")).isEqualTo(body);
            assertThat(ProtoWriter.lengthPrefixed(m.encode())).isEqualTo(hex(v.get("framed")));
            Map<String, Object> decoded = Vectors.map(v.get("decoded"));
            assertThat(m.type().name()).isEqualTo(decoded.get("type"));
            if (decoded.containsKey("key")) {
                assertThat(HexFormat.of().formatHex(m.key())).isEqualTo(decoded.get("key"));
            }
        }
    }

    @Test
    void decodedPeersCarryIdsAndAddresses() {
        KadMessage m = KadMessage.decode(hex(Vectors.list("dht").get(3).get("body")));
        assertThat(m.closerPeers()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo(PeerId.parse("12D3KooWCd3eX8r5ihRvzK7P1yPq5aakaBJhG5GNj18YTztPhoCa"));
            assertThat(p.addrs()).extracting(Object::toString).containsExactly("/ip4/10.244.2.9/tcp/5001");
        });
        assertThat(m.providerPeers())
                .singleElement()
                .satisfies(p ->
                        assertThat(p.addrs()).extracting(Object::toString).containsExactly("/ip4/10.244.1.7/tcp/5001"));
    }

    @Test
    void goStyleClusterLevelIsIgnored() {
        Map<String, Object> go = Vectors.map(Vectors.root().get("dhtGoStyle"));
        KadMessage m = KadMessage.decode(hex(go.get("body")));
        assertThat(m.type()).isEqualTo(KadMessage.Type.GET_PROVIDERS);
        assertThat(m.key()).hasSize(34);
    }

    @Test
    void unknownAddressesAreSkippedAndGarbageIsTyped() {
        PeerId id = PeerId.parse("12D3KooWCd3eX8r5ihRvzK7P1yPq5aakaBJhG5GNj18YTztPhoCa");
        byte[] peer = new ProtoWriter()
                .bytes(1, id.bytes())
                .bytes(2, hex("e00701"))
                .bytes(2, hex("047f000001060fa1"))
                .toByteArray();
        byte[] msg = new ProtoWriter()
                .varint(1, 4)
                .bytes(8, peer)
                .bytes(8, new ProtoWriter().bytes(1, hex("0099")).toByteArray())
                .toByteArray();
        KadMessage m = KadMessage.decode(msg);
        assertThat(m.closerPeers())
                .singleElement()
                .satisfies(p -> assertThat(p.addrs()).hasSize(1));
        assertThatThrownBy(() -> KadMessage.decode(hex("0809"))).isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> KadMessage.decode(hex("12ff"))).isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> KadMessage.decode(hex("0f"))).isInstanceOf(P2pProtocolException.class);
    }

    @Test
    void routingTableKeepsClosestAndBoundsBuckets() {
        PeerId self = PeerId.fromEd25519(new byte[32]);
        RoutingTable rt = new RoutingTable(self, 2);
        List<PeerId> peers = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> dev.speglar.p2p.crypto.Ed25519Identity.generate().peerId())
                .toList();
        peers.forEach(rt::add);
        assertThat(rt.size()).isLessThan(50).isGreaterThan(2);
        assertThat(rt.add(self)).isFalse();
        byte[] target = peers.getFirst().kadId();
        List<PeerId> closest = rt.closest(target, 3);
        List<PeerId> sorted = rt.peers().stream()
                .sorted((x, y) -> KadId.byDistanceTo(target).compare(x.kadId(), y.kadId()))
                .limit(3)
                .toList();
        assertThat(closest).containsExactlyElementsOf(sorted);
        assertThat(KadId.commonPrefixLength(target, target)).isEqualTo(256);
    }
}

package dev.speglar.p2p.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.kad.KadMessage;
import dev.speglar.p2p.kad.KadMessage.Type;
import dev.speglar.p2p.kad.KadPeer;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.Multiaddr;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Garbage and tampered Kademlia messages: a message or P2pProtocolException, never more than the input allows. */
class KadFuzzTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = Cid.ofKey(
                    "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b")
            .multihash()
            .bytes();
    private static final KadPeer PEER = new KadPeer(
            Ed25519Identity.fromSeed(new byte[32]).peerId(),
            List.of(Multiaddr.parse("/ip4/10.244.1.7/tcp/5001"), Multiaddr.parse("/ip6/::1/tcp/4001")));
    private static final List<byte[]> SEEDS = List.of(
            KadMessage.request(Type.FIND_NODE, PEER.id().bytes()).encode(),
            new KadMessage(Type.GET_PROVIDERS, KEY, List.of(PEER), List.of(PEER)).encode(),
            new KadMessage(Type.ADD_PROVIDER, KEY, List.of(), List.of(PEER)).encode(),
            // As go writes GET_PROVIDERS: with clusterLevelRaw (field 10) = 1.
            HEX.parseHex("0803122212" + "20d9f17aca31d3e596dd37418289a613c3b0a9cdefb0de8d91bdaee9fd39b3ab43" + "5001"));

    @Provide
    Arbitrary<byte[]> messages() {
        return Mutations.garbage(SEEDS, 600);
    }

    @Property(tries = 800)
    void decode(@ForAll("messages") byte[] in) {
        if (Decoding.decodesOrRejects(in, () -> KadMessage.decode(in))) {
            KadMessage m = KadMessage.decode(in);
            // Whatever decodes re-encodes and decodes to the same content (peers with bad ids are dropped).
            KadMessage again = KadMessage.decode(m.encode());
            assertThat(again.type()).isEqualTo(m.type());
            assertThat(again.key()).isEqualTo(m.key());
            assertThat(again.closerPeers()).isEqualTo(m.closerPeers());
            assertThat(again.providerPeers()).isEqualTo(m.providerPeers());
        }
    }

    @Property(tries = 20)
    void manyPeersAreCapped(@ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 5000) int n) {
        byte[] one = new KadMessage(Type.FIND_NODE, KEY, List.of(PEER), List.of()).encode();
        byte[] many = new byte[one.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one, 0, many, i * one.length, one.length);
        }
        Decoding.decodesOrRejects(many, () -> KadMessage.decode(many));
    }
}

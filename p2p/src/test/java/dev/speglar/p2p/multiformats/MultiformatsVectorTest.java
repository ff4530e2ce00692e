package dev.speglar.p2p.multiformats;

import static dev.speglar.p2p.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.Vectors;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultiformatsVectorTest {
    @Test
    void contentKeysMapToCidAndMultihashExactlyAsUpstream() {
        for (Map<String, Object> v : Vectors.list("contentKeys")) {
            Cid cid = Cid.ofKey((String) v.get("key"));
            assertThat(cid.multihash().bytes()).isEqualTo(hex(v.get("multihash")));
            assertThat(cid.bytes()).isEqualTo(hex(v.get("cidBytes")));
            assertThat(cid.toString()).isEqualTo(v.get("cidString"));
            assertThat(Multihash.sha256Digest(cid.multihash().bytes())).isEqualTo(hex(v.get("kadId")));
            assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
        }
    }

    @Test
    void foobarVectorFromSpegelBehaviour() {
        assertThat(Cid.ofKey("foobar").toString())
                .isEqualTo("bafkreigdvoh7cnza5cwzar65hfdgwpejotszfqx2ha6uuolaofgk54ge6i");
    }

    @Test
    void multiaddrsRoundTripTextAndBytes() {
        for (Map<String, Object> v : Vectors.list("multiaddrs")) {
            Multiaddr m = Multiaddr.parse((String) v.get("text"));
            assertThat(m.bytes()).as(v.get("text").toString()).isEqualTo(hex(v.get("bytes")));
            assertThat(Multiaddr.decode(hex(v.get("bytes"))).toString()).isEqualTo(v.get("text"));
        }
    }

    @Test
    void multiaddrAccessors() {
        Multiaddr m =
                Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB");
        assertThat(m.tcpPort()).contains(4001);
        assertThat(m.peerId().orElseThrow().toBase58())
                .isEqualTo("12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB");
        assertThat(m.withoutPeerId().toString()).isEqualTo("/ip4/127.0.0.1/tcp/4001");
        assertThat(m.tcpSocketAddress().orElseThrow().getPort()).isEqualTo(4001);
        assertThat(Multiaddr.parse("/ip6/2001:db8::1/tcp/1").toString()).isEqualTo("/ip6/2001:db8::1/tcp/1");
        assertThat(Multiaddr.parse("/dns6/host.example/tcp/1").tcpSocketAddress())
                .isEmpty();
    }

    @Test
    void unknownCodesAreSkippedByTryDecodeAndRejectedByDecode() {
        byte[] unknown = HexFormat.of().parseHex("e00701");
        assertThat(Multiaddr.tryDecode(unknown)).isEmpty();
        assertThatThrownBy(() -> Multiaddr.decode(unknown)).isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> Multiaddr.decode(HexFormat.of().parseHex("047f00")))
                .isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> Multiaddr.parse("/ip4/example.com/tcp/1")).isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> Multiaddr.parse("/ip6/localhost/tcp/1")).isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> Multiaddr.parse("/tcp/70000")).isInstanceOf(P2pProtocolException.class);
    }

    @Test
    void peerIdsOfIdentitiesInEveryForm() {
        for (Map<String, Object> v : Vectors.list("identities")) {
            PeerId id = PeerId.fromEd25519(hex(v.get("ed25519PublicKeyRaw")));
            assertThat(id.bytes()).isEqualTo(hex(v.get("peerIdMultihash")));
            assertThat(id.toBase58()).isEqualTo(v.get("peerIdBase58"));
            assertThat(id.kadId()).isEqualTo(hex(v.get("kadId")));
            assertThat(PeerId.parse((String) v.get("peerIdBase58"))).isEqualTo(id);
            assertThat(PeerId.parse((String) v.get("peerIdCidV1Base32"))).isEqualTo(id);
            assertThat(new Cid(Cid.LIBP2P_KEY, Multihash.decode(id.bytes())).toString())
                    .isEqualTo(v.get("peerIdCidV1Base32"));
            assertThat(id.ed25519PublicKey())
                    .hasValueSatisfying(k -> assertThat(k).isEqualTo(hex(v.get("ed25519PublicKeyRaw"))));
        }
    }

    @Test
    void parsesShaBasedPeerIdsOfOtherKeyTypes() {
        PeerId rsa = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertThat(rsa.bytes()).hasSize(34).startsWith(0x12, 0x20);
        assertThat(rsa.ed25519PublicKey()).isEmpty();
        assertThat(rsa.toBase58()).isEqualTo("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
    }

    @Test
    void garbageIsRejectedWithTypedErrors() {
        assertThatThrownBy(() -> PeerId.parse("0OIl")).isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> PeerId.parse("1".repeat(600))).isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> PeerId.fromBytes(new byte[] {0x00, 0x7f})).isInstanceOf(P2pProtocolException.class);
        assertThatThrownBy(() -> Multihash.decode(new byte[] {
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    0x01
                }))
                .isInstanceOf(P2pProtocolException.class);
    }

    @Test
    void uvarintEncodesLeb128() {
        assertThat(Uvarint.encode(0)).containsExactly(0);
        assertThat(Uvarint.encode(127)).containsExactly(0x7f);
        assertThat(Uvarint.encode(128)).containsExactly(0x80, 0x01);
        assertThat(Uvarint.encode(421)).containsExactly(0xa5, 0x03);
        assertThat(new ByteReader(Uvarint.encode(1L << 40)).readUvarint()).isEqualTo(1L << 40);
    }

    @Test
    void xorDistanceExample() {
        Map<String, Object> x = Vectors.map(Vectors.root().get("xorExample"));
        byte[] a = Multihash.sha256Digest(
                Cid.ofKey((String) x.get("contentKey")).multihash().bytes());
        byte[] b = PeerId.parse((String) x.get("peer")).kadId();
        byte[] xor = new byte[32];
        for (int i = 0; i < 32; i++) {
            xor[i] = (byte) (a[i] ^ b[i]);
        }
        assertThat(xor).isEqualTo(hex(x.get("xor")));
    }
}

package dev.speglar.p2p.noise;

import static dev.speglar.p2p.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.Vectors;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.PeerId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoiseVectorTest {
    private final Map<String, Object> n = Vectors.map(Vectors.root().get("noise"));
    private final Map<String, Object> keys = Vectors.map(n.get("keys"));
    private final Ed25519Identity a =
            Ed25519Identity.fromSeed(hex(Vectors.list("identities").get(0).get("ed25519Seed")));
    private final Ed25519Identity b =
            Ed25519Identity.fromSeed(hex(Vectors.list("identities").get(1).get("ed25519Seed")));

    private static byte[] unframe(byte[] framed) {
        assertThat(((framed[0] & 0xff) << 8) | (framed[1] & 0xff)).isEqualTo(framed.length - 2);
        return Arrays.copyOfRange(framed, 2, framed.length);
    }

    @Test
    void deterministicHandshakeReproducesJsBytesAndKeys() {
        NoiseHandshake i =
                new NoiseHandshake(NoiseHandshake.Role.INITIATOR, hex(keys.get("iStatic")), hex(keys.get("iEph")));
        NoiseHandshake r =
                new NoiseHandshake(NoiseHandshake.Role.RESPONDER, hex(keys.get("rStatic")), hex(keys.get("rEph")));

        byte[] m1 = i.writeMessage1();
        assertThat(m1).isEqualTo(unframe(hex(n.get("msg1Framed"))));
        assertThat(r.readMessage1(m1)).isEmpty();

        NoisePayload p2 = NoiseIdentity.payload(b, r.localStaticPublic(), List.of(NoiseIdentity.YAMUX));
        assertThat(NoiseIdentity.signedData(r.localStaticPublic())).isEqualTo(hex(n.get("responderSignedData")));
        assertThat(p2.encode()).isEqualTo(hex(n.get("payload2")));
        // A host's reused static key signs once and sends the same bytes (Ed25519 signatures are deterministic).
        assertThat(NoiseStaticKey.of(b, hex(keys.get("rStatic")))
                        .payload(List.of(NoiseIdentity.YAMUX))
                        .encode())
                .isEqualTo(hex(n.get("payload2")));
        byte[] m2 = r.writeMessage2(p2.encode());
        assertThat(m2).isEqualTo(unframe(hex(n.get("msg2Framed"))));

        byte[] got2 = i.readMessage2(m2);
        NoiseIdentity.Remote remoteB = NoiseIdentity.verify(got2, i.remoteStatic(), b.peerId());
        assertThat(remoteB.streamMuxers()).containsExactly(NoiseIdentity.YAMUX);

        byte[] p3 = NoiseIdentity.payload(a, i.localStaticPublic(), List.of(NoiseIdentity.YAMUX))
                .encode();
        assertThat(p3).isEqualTo(hex(n.get("payload3")));
        byte[] m3 = i.writeMessage3(p3);
        assertThat(m3).isEqualTo(unframe(hex(n.get("msg3Framed"))));
        assertThat(NoiseIdentity.verify(r.readMessage3(m3), r.remoteStatic(), null)
                        .peerId())
                .isEqualTo(a.peerId());

        assertThat(i.handshakeHash()).isEqualTo(hex(n.get("handshakeHash")));
        CipherState[] ic = i.split();
        CipherState[] rc = r.split();
        Map<String, Object> first = Vectors.map(n.get("firstTransportFrame_initiatorToResponder"));
        byte[] ct = ic[0].encryptWithAd(new byte[0], hex(first.get("plaintext")));
        assertThat(ct).isEqualTo(unframe(hex(first.get("framed"))));
        assertThat(rc[1].decryptWithAd(new byte[0], ct)).isEqualTo(hex(first.get("plaintext")));
    }

    @Test
    void handshakeTraceMatchesEveryStep() {
        List<Map<String, Object>> trace = Vectors.cast(n.get("trace"));
        NoiseHandshake i =
                new NoiseHandshake(NoiseHandshake.Role.INITIATOR, hex(keys.get("iStatic")), hex(keys.get("iEph")));
        Map<String, Object> last = trace.getLast();
        NoiseHandshake r =
                new NoiseHandshake(NoiseHandshake.Role.RESPONDER, hex(keys.get("rStatic")), hex(keys.get("rEph")));
        r.readMessage1(i.writeMessage1());
        i.readMessage2(r.writeMessage2(NoiseIdentity.payload(b, r.localStaticPublic(), List.of(NoiseIdentity.YAMUX))
                .encode()));
        i.writeMessage3(NoiseIdentity.payload(a, i.localStaticPublic(), List.of(NoiseIdentity.YAMUX))
                .encode());
        assertThat(i.symmetricState().chainingKey()).isEqualTo(hex(last.get("ck")));
        assertThat(trace.getFirst().get("step")).isEqualTo("InitializeSymmetric");
    }

    @Test
    void wrongExpectedPeerRevealsActualIdAndTamperingFails() {
        NoiseHandshake i =
                new NoiseHandshake(NoiseHandshake.Role.INITIATOR, hex(keys.get("iStatic")), hex(keys.get("iEph")));
        NoiseHandshake r =
                new NoiseHandshake(NoiseHandshake.Role.RESPONDER, hex(keys.get("rStatic")), hex(keys.get("rEph")));
        r.readMessage1(i.writeMessage1());
        byte[] m2 = r.writeMessage2(
                NoiseIdentity.payload(b, r.localStaticPublic(), List.of()).encode());
        byte[] tampered = m2.clone();
        tampered[tampered.length - 1] ^= 1;
        NoiseHandshake i2 =
                new NoiseHandshake(NoiseHandshake.Role.INITIATOR, hex(keys.get("iStatic")), hex(keys.get("iEph")));
        i2.writeMessage1();
        assertThatThrownBy(() -> i2.readMessage2(tampered)).isInstanceOf(P2pProtocolException.class);

        byte[] got = i.readMessage2(m2);
        PeerId random = Ed25519Identity.generate().peerId();
        assertThatThrownBy(() -> NoiseIdentity.verify(got, i.remoteStatic(), random))
                .isInstanceOfSatisfying(
                        PeerIdMismatchException.class,
                        e -> assertThat(e.actual()).isEqualTo(b.peerId()));
        // A signature over another static key is refused.
        assertThatThrownBy(() -> NoiseIdentity.verify(got, i.localStaticPublic(), null))
                .isInstanceOf(P2pProtocolException.class);
    }
}

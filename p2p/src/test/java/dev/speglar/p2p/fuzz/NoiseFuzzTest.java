package dev.speglar.p2p.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.crypto.X25519;
import dev.speglar.p2p.noise.CipherState;
import dev.speglar.p2p.noise.NoiseHandshake;
import dev.speglar.p2p.noise.NoiseHandshake.Role;
import dev.speglar.p2p.noise.NoiseIdentity;
import dev.speglar.p2p.noise.NoisePayload;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Garbage and tampered bytes at every Noise decoding point: handshake messages 1–3, the signed handshake
 * payload, and transport frames. A tampered handshake must never be accepted.
 */
class NoiseFuzzTest {
    private static final Ed25519Identity ALICE = Ed25519Identity.fromSeed(seed(1));
    private static final Ed25519Identity BOB = Ed25519Identity.fromSeed(seed(2));
    private static final byte[] A_STATIC = fixedKey(3);
    private static final byte[] B_STATIC = fixedKey(4);
    private static final byte[] A_EPH = fixedKey(5);
    private static final byte[] B_EPH = fixedKey(6);

    /** The three messages of one honest, deterministic handshake (Alice initiates). */
    private static final byte[][] HONEST = honest();

    private static byte[] seed(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }

    private static byte[] fixedKey(int b) {
        byte[] k = seed(b);
        k[0] &= (byte) 248;
        k[31] = (byte) ((k[31] & 127) | 64);
        return k;
    }

    private static byte[][] honest() {
        NoiseHandshake a = new NoiseHandshake(Role.INITIATOR, A_STATIC, A_EPH);
        NoiseHandshake b = new NoiseHandshake(Role.RESPONDER, B_STATIC, B_EPH);
        byte[] m1 = a.writeMessage1();
        b.readMessage1(m1);
        byte[] m2 = b.writeMessage2(NoiseIdentity.payload(BOB, b.localStaticPublic(), List.of(NoiseIdentity.YAMUX))
                .encode());
        a.readMessage2(m2);
        byte[] m3 = a.writeMessage3(NoiseIdentity.payload(ALICE, a.localStaticPublic(), List.of(NoiseIdentity.YAMUX))
                .encode());
        b.readMessage3(m3);
        byte[] frame = a.split()[0].encryptWithAd(new byte[0], "hello".getBytes());
        return new byte[][] {m1, m2, m3, frame};
    }

    @Provide
    Arbitrary<byte[]> message1() {
        return Mutations.garbage(List.of(HONEST[0], new byte[32]), 200);
    }

    @Provide
    Arbitrary<byte[]> message2() {
        // The all-zero key is a low-order X25519 point: the DH must be refused, not crash.
        byte[] lowOrder = HONEST[1].clone();
        java.util.Arrays.fill(lowOrder, 0, 32, (byte) 0);
        return Mutations.garbage(List.of(HONEST[1], lowOrder), 400);
    }

    @Provide
    Arbitrary<byte[]> message3() {
        return Mutations.garbage(List.of(HONEST[2]), 400);
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        byte[] p = NoiseIdentity.payload(BOB, X25519.publicKey(B_STATIC), List.of(NoiseIdentity.YAMUX))
                .encode();
        return Mutations.garbage(List.of(p), 300);
    }

    @Provide
    Arbitrary<byte[]> frames() {
        return Mutations.garbage(List.of(HONEST[3]), 200);
    }

    @Property(tries = 200)
    void responderReadsMessage1(@ForAll("message1") byte[] m) {
        Decoding.decodesOrRejects(m, () -> new NoiseHandshake(Role.RESPONDER, B_STATIC, B_EPH).readMessage1(m));
    }

    @Property(tries = 200)
    void initiatorReadsMessage2(@ForAll("message2") byte[] m) {
        boolean accepted = Decoding.decodesOrRejects(m, () -> {
            NoiseHandshake a = new NoiseHandshake(Role.INITIATOR, A_STATIC, A_EPH);
            a.writeMessage1();
            byte[] payload = a.readMessage2(m);
            NoiseIdentity.verify(payload, a.remoteStatic(), BOB.peerId());
        });
        // Only the untampered message can authenticate Bob.
        assertThat(accepted).isEqualTo(java.util.Arrays.equals(m, HONEST[1]));
    }

    @Property(tries = 200)
    void responderReadsMessage3(@ForAll("message3") byte[] m) {
        boolean accepted = Decoding.decodesOrRejects(m, () -> {
            NoiseHandshake b = new NoiseHandshake(Role.RESPONDER, B_STATIC, B_EPH);
            b.readMessage1(HONEST[0]);
            b.writeMessage2(NoiseIdentity.payload(BOB, b.localStaticPublic(), List.of(NoiseIdentity.YAMUX))
                    .encode());
            byte[] payload = b.readMessage3(m);
            NoiseIdentity.verify(payload, b.remoteStatic(), null);
        });
        assertThat(accepted).isEqualTo(java.util.Arrays.equals(m, HONEST[2]));
    }

    @Property(tries = 400)
    void handshakePayload(@ForAll("payloads") byte[] p) {
        Decoding.decodesOrRejects(p, () -> NoisePayload.decode(p));
        Decoding.decodesOrRejects(p, () -> NoiseIdentity.verify(p, X25519.publicKey(B_STATIC), null));
    }

    @Property(tries = 200)
    void transportFrame(@ForAll("frames") byte[] f) {
        boolean accepted = Decoding.decodesOrRejects(f, () -> receiver().decryptWithAd(new byte[0], f));
        assertThat(accepted).isEqualTo(java.util.Arrays.equals(f, HONEST[3]));
    }

    private static CipherState receiver() {
        NoiseHandshake a = new NoiseHandshake(Role.INITIATOR, A_STATIC, A_EPH);
        NoiseHandshake b = new NoiseHandshake(Role.RESPONDER, B_STATIC, B_EPH);
        b.readMessage1(a.writeMessage1());
        a.readMessage2(b.writeMessage2(NoiseIdentity.payload(BOB, b.localStaticPublic(), List.of(NoiseIdentity.YAMUX))
                .encode()));
        b.readMessage3(a.writeMessage3(NoiseIdentity.payload(ALICE, a.localStaticPublic(), List.of(NoiseIdentity.YAMUX))
                .encode()));
        return b.split()[1];
    }
}

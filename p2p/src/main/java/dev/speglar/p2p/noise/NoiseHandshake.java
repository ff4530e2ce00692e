package dev.speglar.p2p.noise;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.crypto.X25519;
import java.util.Arrays;

/**
 * The XX pattern (-> e; <- e, ee, s, es; -> s, se) as a pure state machine over unframed message bytes.
 * Callers must invoke the steps for their role in order; anything else is an IllegalStateException.
 */
public final class NoiseHandshake {
    public enum Role {
        INITIATOR,
        RESPONDER
    }

    private static final int DH = 32;
    private static final int ENC_KEY = DH + CipherState.TAG;

    private final Role role;
    private final byte[] sPriv;
    private final byte[] sPub;
    private final byte[] ePriv;
    private final byte[] ePub;
    private final SymmetricState ss = new SymmetricState();
    private byte[] re;
    private byte[] rs;
    private int step;

    public NoiseHandshake(Role role, byte[] staticPrivate, byte[] ephemeralPrivate) {
        this(role, staticPrivate, X25519.publicKey(staticPrivate), ephemeralPrivate);
    }

    /** With the static public key already derived (see {@link NoiseStaticKey}). */
    NoiseHandshake(Role role, byte[] staticPrivate, byte[] staticPublic, byte[] ephemeralPrivate) {
        this.role = role;
        this.sPriv = staticPrivate.clone();
        this.sPub = staticPublic.clone();
        this.ePriv = ephemeralPrivate.clone();
        this.ePub = X25519.publicKey(ePriv);
        ss.mixHash(new byte[0]); // empty prologue
    }

    public static NoiseHandshake create(Role role, byte[] staticPrivate) {
        return new NoiseHandshake(role, staticPrivate, X25519.generatePrivate());
    }

    public byte[] localStaticPublic() {
        return sPub.clone();
    }

    public byte[] remoteStatic() {
        return rs == null ? null : rs.clone();
    }

    public byte[] handshakeHash() {
        return ss.handshakeHash();
    }

    public SymmetricState symmetricState() {
        return ss;
    }

    /** -> e (with the empty payload js and go send). */
    public byte[] writeMessage1() {
        expect(Role.INITIATOR, 0);
        ss.mixHash(ePub);
        byte[] payload = ss.encryptAndHash(new byte[0]);
        return concat(ePub, payload);
    }

    public byte[] readMessage1(byte[] msg) {
        expect(Role.RESPONDER, 0);
        if (msg.length < DH) {
            throw new P2pProtocolException("noise message 1 too short");
        }
        re = Arrays.copyOf(msg, DH);
        ss.mixHash(re);
        return ss.decryptAndHash(Arrays.copyOfRange(msg, DH, msg.length));
    }

    /** <- e, ee, s, es, payload. */
    public byte[] writeMessage2(byte[] payload) {
        expect(Role.RESPONDER, 1);
        ss.mixHash(ePub);
        ss.mixKey(X25519.dh(ePriv, re));
        byte[] encS = ss.encryptAndHash(sPub);
        ss.mixKey(X25519.dh(sPriv, re));
        return concat(ePub, concat(encS, ss.encryptAndHash(payload)));
    }

    public byte[] readMessage2(byte[] msg) {
        expect(Role.INITIATOR, 1);
        if (msg.length < DH + ENC_KEY + CipherState.TAG) {
            throw new P2pProtocolException("noise message 2 too short");
        }
        re = Arrays.copyOf(msg, DH);
        ss.mixHash(re);
        ss.mixKey(X25519.dh(ePriv, re));
        rs = ss.decryptAndHash(Arrays.copyOfRange(msg, DH, DH + ENC_KEY));
        ss.mixKey(X25519.dh(ePriv, rs));
        return ss.decryptAndHash(Arrays.copyOfRange(msg, DH + ENC_KEY, msg.length));
    }

    /** -> s, se, payload. */
    public byte[] writeMessage3(byte[] payload) {
        expect(Role.INITIATOR, 2);
        byte[] encS = ss.encryptAndHash(sPub);
        ss.mixKey(X25519.dh(sPriv, re));
        return concat(encS, ss.encryptAndHash(payload));
    }

    public byte[] readMessage3(byte[] msg) {
        expect(Role.RESPONDER, 2);
        if (msg.length < ENC_KEY + CipherState.TAG) {
            throw new P2pProtocolException("noise message 3 too short");
        }
        rs = ss.decryptAndHash(Arrays.copyOf(msg, ENC_KEY));
        ss.mixKey(X25519.dh(ePriv, rs));
        return ss.decryptAndHash(Arrays.copyOfRange(msg, ENC_KEY, msg.length));
    }

    /** After message 3: {sending, receiving} cipher states for this side. */
    public CipherState[] split() {
        if (step != 3) {
            throw new IllegalStateException("handshake not finished");
        }
        CipherState[] c = ss.split();
        return role == Role.INITIATOR ? c : new CipherState[] {c[1], c[0]};
    }

    private void expect(Role r, int s) {
        if (role != r || step != s) {
            throw new IllegalStateException("noise step " + s + " is not valid for " + role + " at step " + step);
        }
        step++;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

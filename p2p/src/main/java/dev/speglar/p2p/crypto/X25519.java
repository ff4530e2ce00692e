package dev.speglar.p2p.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;

/** Raw-byte X25519 on top of the JDK XDH provider (keys built from their DER encodings). */
public final class X25519 {
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b656e04220420");
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b656e032100");
    private static final byte[] BASE_POINT = new byte[32];
    /**
     * One generator per thread: the default (NativePRNG) serialises every caller on one global lock, and with hundreds
     * of handshakes at once (a cluster starting) most event-loop threads were found parked on it. DRBG instances are
     * independent, each seeded from the system's entropy.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(X25519::newRandom);

    static {
        BASE_POINT[0] = 9;
    }

    private X25519() {}

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    public static byte[] generatePrivate() {
        byte[] k = new byte[32];
        RANDOM.get().nextBytes(k);
        return k;
    }

    /** public = X25519(private, 9). */
    public static byte[] publicKey(byte[] privateKey) {
        return dh(privateKey, BASE_POINT);
    }

    public static byte[] dh(byte[] privateKey, byte[] publicKey) {
        try {
            KeyFactory kf = KeyFactory.getInstance("X25519");
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(kf.generatePrivate(new PKCS8EncodedKeySpec(Ed25519Identity.concat(PKCS8_PREFIX, privateKey))));
            ka.doPhase(kf.generatePublic(new X509EncodedKeySpec(Ed25519Identity.concat(X509_PREFIX, publicKey))), true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            // Includes the all-zero shared secret from low-order points, which Noise peers must not send.
            throw new dev.speglar.p2p.P2pProtocolException("X25519 failed: " + e.getMessage(), e);
        }
    }
}

package dev.speglar.p2p.noise;

import dev.speglar.p2p.multiformats.Multihash;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

/** Noise SymmetricState (chaining key, handshake hash, cipher) for Noise_XX_25519_ChaChaPoly_SHA256. */
public final class SymmetricState {
    public static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    private byte[] ck;
    private byte[] h;
    private final CipherState cipher = new CipherState();

    public SymmetricState() {
        // The name is exactly 32 bytes (HASHLEN), so it is used unhashed.
        h = PROTOCOL_NAME.getBytes(StandardCharsets.US_ASCII);
        ck = h.clone();
    }

    public byte[] handshakeHash() {
        return h.clone();
    }

    public byte[] chainingKey() {
        return ck.clone();
    }

    public CipherState cipher() {
        return cipher;
    }

    public void mixHash(byte[] data) {
        byte[] in = Arrays.copyOf(h, h.length + data.length);
        System.arraycopy(data, 0, in, h.length, data.length);
        h = Multihash.sha256Digest(in);
    }

    public void mixKey(byte[] ikm) {
        byte[][] out = hkdf(ck, ikm);
        ck = out[0];
        cipher.initializeKey(out[1]);
    }

    public byte[] encryptAndHash(byte[] plaintext) {
        byte[] c = cipher.encryptWithAd(h, plaintext);
        mixHash(c);
        return c;
    }

    public byte[] decryptAndHash(byte[] ciphertext) {
        byte[] p = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return p;
    }

    /** Returns {initiator→responder, responder→initiator} cipher states. */
    public CipherState[] split() {
        byte[][] out = hkdf(ck, new byte[0]);
        CipherState c1 = new CipherState();
        CipherState c2 = new CipherState();
        c1.initializeKey(out[0]);
        c2.initializeKey(out[1]);
        return new CipherState[] {c1, c2};
    }

    /** Noise HKDF with two outputs = RFC 5869 extract(salt = ck, ikm) then expand(info = "", 64 bytes). */
    static byte[][] hkdf(byte[] chainingKey, byte[] ikm) {
        try {
            KDF kdf = KDF.getInstance("HKDF-SHA256");
            byte[] okm = kdf.deriveData(HKDFParameterSpec.ofExtract()
                    .addIKM(ikm)
                    .addSalt(chainingKey)
                    .thenExpand(new byte[0], 64));
            return new byte[][] {Arrays.copyOfRange(okm, 0, 32), Arrays.copyOfRange(okm, 32, 64)};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HKDF-SHA256", e);
        }
    }
}

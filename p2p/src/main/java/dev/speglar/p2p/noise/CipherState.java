package dev.speglar.p2p.noise;

import dev.speglar.p2p.P2pProtocolException;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Noise CipherState with ChaChaPoly: key k, counter n, nonce = 4 zero bytes || n little-endian. Not thread-safe. */
public final class CipherState {
    public static final int TAG = 16;
    private SecretKeySpec key;
    private long n;
    private Cipher cipher;

    public void initializeKey(byte[] k) {
        key = k == null ? null : new SecretKeySpec(k, "ChaCha20");
        n = 0;
    }

    public boolean hasKey() {
        return key != null;
    }

    public long nonce() {
        return n;
    }

    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
        return encryptWithAd(ad, plaintext, 0, plaintext.length);
    }

    public byte[] encryptWithAd(byte[] ad, byte[] plaintext, int off, int len) {
        if (key == null) {
            return java.util.Arrays.copyOfRange(plaintext, off, off + len);
        }
        try {
            Cipher c = init(Cipher.ENCRYPT_MODE, ad);
            return c.doFinal(plaintext, off, len);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) {
        if (key == null) {
            return ciphertext.clone();
        }
        if (ciphertext.length < TAG) {
            throw new P2pProtocolException("noise ciphertext shorter than its tag");
        }
        try {
            Cipher c = init(Cipher.DECRYPT_MODE, ad);
            return c.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new P2pProtocolException("noise decryption failed (bad tag)", e);
        } catch (GeneralSecurityException e) {
            throw new P2pProtocolException("noise decryption failed", e);
        }
    }

    private Cipher init(int mode, byte[] ad) throws GeneralSecurityException {
        if (n == -1L) {
            throw new P2pProtocolException("noise nonce exhausted");
        }
        if (cipher == null) {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        }
        byte[] nonce = new byte[12];
        long v = n++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (v >>> (8 * i));
        }
        cipher.init(mode, key, new IvParameterSpec(nonce));
        if (ad.length > 0) {
            cipher.updateAAD(ad);
        }
        return cipher;
    }
}

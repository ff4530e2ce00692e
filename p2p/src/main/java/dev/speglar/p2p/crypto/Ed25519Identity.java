package dev.speglar.p2p.crypto;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.PeerId;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/** This node's libp2p identity: an Ed25519 key pair built from a 32-byte seed with the JDK provider. */
public final class Ed25519Identity {
    static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final byte[] seed;
    private final PrivateKey privateKey;
    private final byte[] publicKeyRaw;
    private final PeerId peerId;

    private Ed25519Identity(byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
        }
        this.seed = seed.clone();
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            this.privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
            // The JDK has no "public from private" call; signing-key derivation via a fixed-seed generator does it.
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("Ed25519");
            g.initialize(255, new FixedRandom(seed));
            byte[] x509 = g.generateKeyPair().getPublic().getEncoded();
            this.publicKeyRaw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks Ed25519", e);
        }
        this.peerId = PeerId.fromEd25519(publicKeyRaw);
    }

    public static Ed25519Identity fromSeed(byte[] seed) {
        return new Ed25519Identity(seed);
    }

    public static Ed25519Identity generate() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return new Ed25519Identity(seed);
    }

    public byte[] seed() {
        return seed.clone();
    }

    public byte[] pkcs8() {
        return concat(PKCS8_PREFIX, seed);
    }

    public byte[] publicKeyRaw() {
        return publicKeyRaw.clone();
    }

    public byte[] publicKeyProtobuf() {
        return PeerId.publicKeyProtobuf(PeerId.KEY_TYPE_ED25519, publicKeyRaw);
    }

    public PeerId peerId() {
        return peerId;
    }

    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean verify(byte[] rawPublicKey, byte[] data, byte[] signature) {
        if (rawPublicKey.length != 32 || signature.length != 64) {
            return false;
        }
        try {
            PublicKey pk = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, rawPublicKey)));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pk);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // Malformed points are a bad signature, not our error.
            return false;
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Feeds the seed to the JDK key generator, which draws exactly 32 bytes for an Ed25519 private key. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new P2pProtocolException("unexpected key generator draw");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}

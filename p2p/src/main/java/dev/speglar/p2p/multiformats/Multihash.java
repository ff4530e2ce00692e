package dev.speglar.p2p.multiformats;

import dev.speglar.p2p.P2pProtocolException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A multihash: uvarint(code) uvarint(length) digest. Only identity and sha2-256 are produced here. */
public record Multihash(int code, byte[] digest) {
    public static final int IDENTITY = 0x00;
    public static final int SHA2_256 = 0x12;
    /** go-libp2p-kad-dht rejects GET_PROVIDERS keys over 80 bytes; no multihash we accept is longer. */
    public static final int MAX_DIGEST = 128;

    public Multihash {
        if (code < 0 || digest.length > MAX_DIGEST) {
            throw new P2pProtocolException("invalid multihash");
        }
        if (code == SHA2_256 && digest.length != 32) {
            throw new P2pProtocolException("sha2-256 multihash must have 32 bytes, got " + digest.length);
        }
        digest = digest.clone();
    }

    public static Multihash sha256(byte[] data) {
        return new Multihash(SHA2_256, sha256Digest(data));
    }

    public static Multihash identity(byte[] data) {
        return new Multihash(IDENTITY, data);
    }

    public static Multihash decode(byte[] bytes) {
        ByteReader r = new ByteReader(bytes);
        Multihash mh = read(r);
        if (r.hasRemaining()) {
            throw new P2pProtocolException("trailing bytes after multihash");
        }
        return mh;
    }

    public static Multihash read(ByteReader r) {
        long code = r.readUvarint();
        if (code > Integer.MAX_VALUE) {
            throw new P2pProtocolException("multihash code out of range");
        }
        int len = r.readLength(MAX_DIGEST);
        return new Multihash((int) code, r.readBytes(len));
    }

    public byte[] bytes() {
        byte[] c = Uvarint.encode(code);
        byte[] l = Uvarint.encode(digest.length);
        byte[] out = new byte[c.length + l.length + digest.length];
        System.arraycopy(c, 0, out, 0, c.length);
        System.arraycopy(l, 0, out, c.length, l.length);
        System.arraycopy(digest, 0, out, c.length + l.length, digest.length);
        return out;
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    public static byte[] sha256Digest(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multihash m && m.code == code && Arrays.equals(m.digest, digest);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes());
    }
}

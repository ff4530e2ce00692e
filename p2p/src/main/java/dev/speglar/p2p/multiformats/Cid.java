package dev.speglar.p2p.multiformats;

import dev.speglar.p2p.P2pProtocolException;
import java.nio.charset.StandardCharsets;

/** A CIDv1: 0x01 uvarint(codec) multihash; text form is multibase base32 ('b' prefix). */
public record Cid(int codec, Multihash multihash) {
    public static final int RAW = 0x55;
    public static final int LIBP2P_KEY = 0x72;

    /** Spegel's content key mapping: CIDv1(raw, sha2-256(UTF-8 key)). */
    public static Cid ofKey(String key) {
        return new Cid(RAW, Multihash.sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    public byte[] bytes() {
        byte[] c = Uvarint.encode(codec);
        byte[] mh = multihash.bytes();
        byte[] out = new byte[1 + c.length + mh.length];
        out[0] = 1;
        System.arraycopy(c, 0, out, 1, c.length);
        System.arraycopy(mh, 0, out, 1 + c.length, mh.length);
        return out;
    }

    public static Cid decode(byte[] bytes) {
        ByteReader r = new ByteReader(bytes);
        if (r.readUvarint() != 1) {
            throw new P2pProtocolException("only CIDv1 is supported");
        }
        long codec = r.readUvarint();
        if (codec > Integer.MAX_VALUE) {
            throw new P2pProtocolException("CID codec out of range");
        }
        Multihash mh = Multihash.read(r);
        if (r.hasRemaining()) {
            throw new P2pProtocolException("trailing bytes after CID");
        }
        return new Cid((int) codec, mh);
    }

    public static Cid parse(String text) {
        if (text.length() < 2 || text.length() > 256 || text.charAt(0) != 'b') {
            throw new P2pProtocolException("only base32 ('b') CIDv1 text is supported");
        }
        return decode(Base32.decode(text.substring(1)));
    }

    @Override
    public String toString() {
        return "b" + Base32.encode(bytes());
    }
}

package dev.speglar.p2p.multiformats;

import dev.speglar.p2p.P2pProtocolException;

/** Bounds-checked cursor over a byte array; every read that would run past the end throws. */
public final class ByteReader {
    private final byte[] data;
    private int pos;
    private final int end;

    public ByteReader(byte[] data) {
        this(data, 0, data.length);
    }

    public ByteReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("bad slice");
        }
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public int remaining() {
        return end - pos;
    }

    public int position() {
        return pos;
    }

    public int readByte() {
        if (pos >= end) {
            throw new P2pProtocolException("unexpected end of input");
        }
        return data[pos++] & 0xff;
    }

    public byte[] readBytes(int n) {
        if (n < 0 || n > remaining()) {
            throw new P2pProtocolException("length " + n + " exceeds remaining " + remaining());
        }
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    public void skip(int n) {
        if (n < 0 || n > remaining()) {
            throw new P2pProtocolException("skip " + n + " exceeds remaining " + remaining());
        }
        pos += n;
    }

    /** Unsigned LEB128, at most 9 bytes (63 bits) as in the multiformats unsigned-varint spec. */
    public long readUvarint() {
        long value = 0;
        for (int i = 0; i < 9; i++) {
            int b = readByte();
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new P2pProtocolException("non-minimal varint");
                }
                return value;
            }
        }
        throw new P2pProtocolException("varint longer than 9 bytes");
    }

    /** A uvarint that must fit in an int and be at most {@code max}. */
    public int readLength(int max) {
        long v = readUvarint();
        if (v > max) {
            throw new P2pProtocolException("length " + v + " exceeds limit " + max);
        }
        return (int) v;
    }
}

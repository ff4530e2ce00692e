package dev.speglar.p2p.proto;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.ByteReader;
import java.nio.charset.StandardCharsets;

/**
 * Minimal protobuf decoder: iterate fields with {@link #next()}, then read the value with the accessor matching
 * the wire type. Unknown fields must be skipped with {@link #skip()}. Every length is checked against the input.
 */
public final class ProtoReader {
    private final ByteReader in;
    private int field;
    private int wireType;

    public ProtoReader(byte[] data) {
        this.in = new ByteReader(data);
    }

    /** Advances to the next field; false at the end of the message. */
    public boolean next() {
        if (!in.hasRemaining()) {
            return false;
        }
        long key = in.readUvarint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field == 0 || key >>> 3 > 536_870_911L) {
            throw new P2pProtocolException("invalid protobuf field number");
        }
        return true;
    }

    public int field() {
        return field;
    }

    public int wireType() {
        return wireType;
    }

    public long varint() {
        expect(0);
        return in.readUvarint();
    }

    public byte[] bytes() {
        expect(2);
        return in.readBytes(in.readLength(in.remaining()));
    }

    public String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    public void skip() {
        switch (wireType) {
            case 0 -> in.readUvarint();
            case 1 -> in.skip(8);
            case 2 -> in.skip(in.readLength(in.remaining()));
            case 5 -> in.skip(4);
            default -> throw new P2pProtocolException("unsupported protobuf wire type " + wireType);
        }
    }

    private void expect(int type) {
        if (wireType != type) {
            throw new P2pProtocolException("field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }
}

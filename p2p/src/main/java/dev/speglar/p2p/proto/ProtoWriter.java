package dev.speglar.p2p.proto;

import dev.speglar.p2p.multiformats.Uvarint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Minimal protobuf encoder for the handful of libp2p messages; fields are written in call order. */
public final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ProtoWriter varint(int field, long value) {
        tag(field, 0);
        out.writeBytes(Uvarint.encode(value));
        return this;
    }

    public ProtoWriter bytes(int field, byte[] value) {
        tag(field, 2);
        out.writeBytes(Uvarint.encode(value.length));
        out.writeBytes(value);
        return this;
    }

    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public ProtoWriter message(int field, ProtoWriter nested) {
        return bytes(field, nested.toByteArray());
    }

    private void tag(int field, int wireType) {
        out.writeBytes(Uvarint.encode(((long) field << 3) | wireType));
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /** uvarint(len) || body, the framing used by identify and Kademlia. */
    public static byte[] lengthPrefixed(byte[] body) {
        byte[] len = Uvarint.encode(body.length);
        byte[] out = new byte[len.length + body.length];
        System.arraycopy(len, 0, out, 0, len.length);
        System.arraycopy(body, 0, out, len.length, body.length);
        return out;
    }
}

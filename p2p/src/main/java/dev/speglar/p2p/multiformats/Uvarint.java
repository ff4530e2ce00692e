package dev.speglar.p2p.multiformats;

import dev.speglar.p2p.P2pProtocolException;
import io.netty.buffer.ByteBuf;

/** Unsigned LEB128 varints ("uvarint") as used by multiformats, multistream-select and length prefixes. */
public final class Uvarint {
    private Uvarint() {}

    public static byte[] encode(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative uvarint " + value);
        }
        byte[] tmp = new byte[10];
        int n = 0;
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            tmp[n++] = (byte) (value != 0 ? b | 0x80 : b);
        } while (value != 0);
        return java.util.Arrays.copyOf(tmp, n);
    }

    public static int size(long value) {
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    public static void write(ByteBuf out, long value) {
        out.writeBytes(encode(value));
    }

    /**
     * Consumes a uvarint length from {@code in} if complete; consumes nothing when incomplete.
     * Returns -1 if more bytes are needed; throws if the value exceeds {@code max}.
     */
    public static int tryReadLength(ByteBuf in, int max) {
        long value = 0;
        int idx = in.readerIndex();
        for (int i = 0; i < 5; i++) {
            if (idx + i >= in.writerIndex()) {
                return -1;
            }
            int b = in.getUnsignedByte(idx + i);
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value > max) {
                    throw new P2pProtocolException("length " + value + " exceeds limit " + max);
                }
                in.skipBytes(i + 1);
                return (int) value;
            }
        }
        throw new P2pProtocolException("length prefix too long");
    }
}

package dev.speglar.p2p.yamux;

import io.netty.buffer.ByteBuf;

/**
 * One yamux frame: 12-byte header (version 0, type, flags, stream id, length) plus DATA payload.
 * {@code data} is non-null only for DATA frames and is owned by whoever holds the frame.
 */
public record YamuxFrame(int type, int flags, int streamId, long length, ByteBuf data) {
    public static final int HEADER_SIZE = 12;
    public static final int DATA = 0;
    public static final int WINDOW_UPDATE = 1;
    public static final int PING = 2;
    public static final int GO_AWAY = 3;
    public static final int SYN = 1;
    public static final int ACK = 2;
    public static final int FIN = 4;
    public static final int RST = 8;

    public static YamuxFrame control(int type, int flags, int streamId, long length) {
        return new YamuxFrame(type, flags, streamId, length, null);
    }

    public static YamuxFrame data(int flags, int streamId, ByteBuf data) {
        return new YamuxFrame(DATA, flags, streamId, data.readableBytes(), data);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public void writeHeader(ByteBuf out) {
        out.writeByte(0);
        out.writeByte(type);
        out.writeShort(flags);
        out.writeInt(streamId);
        out.writeInt((int) length);
    }

    @Override
    public String toString() {
        return "YamuxFrame[type=" + type + ", flags=" + flags + ", stream=" + streamId + ", length=" + length + "]";
    }
}

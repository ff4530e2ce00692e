package dev.speglar.p2p.yamux;

import dev.speglar.p2p.P2pProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import java.util.List;

/** Netty codec between plaintext bytes (inside Noise) and {@link YamuxFrame}s; knows nothing about streams. */
public final class YamuxFrameCodec extends ByteToMessageCodec<YamuxFrame> {
    /** A DATA frame can never be larger than the receive window we grant. */
    private final int maxData;

    public YamuxFrameCodec(int maxData) {
        super(YamuxFrame.class);
        this.maxData = maxData;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, YamuxFrame f, ByteBuf out) {
        f.writeHeader(out);
        if (f.data() != null) {
            out.writeBytes(f.data());
            f.data().release();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= YamuxFrame.HEADER_SIZE) {
            YamuxFrame f = decodeHeader(in, in.readerIndex(), maxData);
            int need = YamuxFrame.HEADER_SIZE + (f.type() == YamuxFrame.DATA ? (int) f.length() : 0);
            if (in.readableBytes() < need) {
                return;
            }
            in.skipBytes(YamuxFrame.HEADER_SIZE);
            ByteBuf data = f.type() == YamuxFrame.DATA ? in.readRetainedSlice((int) f.length()) : null;
            out.add(new YamuxFrame(f.type(), f.flags(), f.streamId(), f.length(), data));
        }
    }

    /** Parses and validates a header at {@code index} without consuming it. */
    public static YamuxFrame decodeHeader(ByteBuf in, int index, int maxData) {
        int version = in.getUnsignedByte(index);
        int type = in.getUnsignedByte(index + 1);
        if (version != 0) {
            throw new P2pProtocolException("unsupported yamux version " + version);
        }
        if (type > YamuxFrame.GO_AWAY) {
            throw new P2pProtocolException("invalid yamux frame type " + type);
        }
        long length = in.getUnsignedInt(index + 8);
        if (type == YamuxFrame.DATA && length > maxData) {
            throw new P2pProtocolException("yamux DATA frame of " + length + " bytes exceeds window " + maxData);
        }
        return YamuxFrame.control(type, in.getUnsignedShort(index + 2), in.getInt(index + 4), length);
    }
}

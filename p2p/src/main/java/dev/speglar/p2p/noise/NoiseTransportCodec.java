package dev.speglar.p2p.noise;

import dev.speglar.p2p.P2pProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import java.util.List;

/**
 * Noise transport framing: each message is uint16-BE length || ChaChaPoly ciphertext (empty AD). Outbound bytes
 * are split so that no frame exceeds 65535 bytes including the 16-byte tag.
 */
public final class NoiseTransportCodec extends ByteToMessageCodec<ByteBuf> {
    public static final int MAX_FRAME = 65535;
    public static final int MAX_PLAINTEXT = MAX_FRAME - CipherState.TAG;
    private static final byte[] NO_AD = new byte[0];

    private final CipherState send;
    private final CipherState receive;

    public NoiseTransportCodec(CipherState send, CipherState receive) {
        super(ByteBuf.class);
        this.send = send;
        this.receive = receive;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
        while (msg.isReadable()) {
            int n = Math.min(msg.readableBytes(), MAX_PLAINTEXT);
            byte[] plain = new byte[n];
            msg.readBytes(plain);
            byte[] c = send.encryptWithAd(NO_AD, plain);
            out.writeShort(c.length);
            out.writeBytes(c);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 2) {
            int len = in.getUnsignedShort(in.readerIndex());
            if (len < CipherState.TAG) {
                throw new P2pProtocolException("noise frame shorter than its tag");
            }
            if (in.readableBytes() < 2 + len) {
                return;
            }
            in.skipBytes(2);
            byte[] c = new byte[len];
            in.readBytes(c);
            out.add(io.netty.buffer.Unpooled.wrappedBuffer(receive.decryptWithAd(NO_AD, c)));
        }
    }
}

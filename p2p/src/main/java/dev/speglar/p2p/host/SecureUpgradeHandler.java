package dev.speglar.p2p.host;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multistream.MultistreamNegotiator;
import dev.speglar.p2p.noise.CipherState;
import dev.speglar.p2p.noise.NoiseHandshake;
import dev.speglar.p2p.noise.NoiseIdentity;
import dev.speglar.p2p.noise.NoiseTransportCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Plaintext phase of a connection: multistream-select of /noise (answering "na" to /tls/1.0.0 and anything
 * else), then the three Noise XX messages. On success it installs {@link NoiseTransportCodec} and the muxer
 * stage, and removes itself; leftover bytes flow on to them.
 */
final class SecureUpgradeHandler extends ByteToMessageDecoder {
    static final String NOISE = "/noise";

    private final Upgrade upgrade;
    private final MultistreamNegotiator select;
    private NoiseHandshake handshake;
    private boolean selecting = true;

    SecureUpgradeHandler(Upgrade upgrade) {
        this.upgrade = upgrade;
        this.select =
                upgrade.outbound ? MultistreamNegotiator.dialer(NOISE) : MultistreamNegotiator.listener(NOISE::equals);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ByteBuf out = ctx.alloc().buffer();
        select.start(out);
        ctx.writeAndFlush(out);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (selecting) {
            ByteBuf reply = ctx.alloc().buffer();
            String selected = select.feed(in, reply);
            writeOrRelease(ctx, reply);
            if (selected == null) {
                return;
            }
            selecting = false;
            handshake = upgrade.noiseKey.handshake(
                    upgrade.outbound ? NoiseHandshake.Role.INITIATOR : NoiseHandshake.Role.RESPONDER);
            if (upgrade.outbound) {
                writeFrame(ctx, handshake.writeMessage1());
            }
        }
        while (in.readableBytes() >= 2 && !ctx.isRemoved()) {
            int len = in.getUnsignedShort(in.readerIndex());
            if (in.readableBytes() < 2 + len) {
                return;
            }
            in.skipBytes(2);
            byte[] msg = new byte[len];
            in.readBytes(msg);
            onHandshakeMessage(ctx, msg);
        }
    }

    private int received;

    private void onHandshakeMessage(ChannelHandlerContext ctx, byte[] msg) {
        received++;
        if (upgrade.outbound && received == 1) {
            byte[] payload = handshake.readMessage2(msg);
            NoiseIdentity.Remote remote = NoiseIdentity.verify(payload, handshake.remoteStatic(), upgrade.expected);
            writeFrame(ctx, handshake.writeMessage3(ourPayload()));
            finish(ctx, remote);
        } else if (!upgrade.outbound && received == 1) {
            if (handshake.readMessage1(msg).length != 0) {
                throw new P2pProtocolException("noise message 1 must carry an empty payload");
            }
            writeFrame(ctx, handshake.writeMessage2(ourPayload()));
        } else if (!upgrade.outbound && received == 2) {
            byte[] payload = handshake.readMessage3(msg);
            finish(ctx, NoiseIdentity.verify(payload, handshake.remoteStatic(), null));
        } else {
            throw new P2pProtocolException("unexpected noise handshake message");
        }
    }

    private byte[] ourPayload() {
        List<String> muxers = upgrade.earlyMuxer ? List.of(NoiseIdentity.YAMUX) : List.of();
        return upgrade.noiseKey.payload(muxers).encode();
    }

    private void finish(ChannelHandlerContext ctx, NoiseIdentity.Remote remote) {
        if (remote.peerId().equals(upgrade.identity.peerId())) {
            throw new P2pProtocolException("refusing a connection to ourselves");
        }
        CipherState[] cs = handshake.split();
        var p = ctx.pipeline();
        p.addAfter(ctx.name(), "noise", new NoiseTransportCodec(cs[0], cs[1]));
        // Both sides list yamux ⇒ agreed inside Noise; otherwise both fall back to multistream (go and js agree).
        boolean early = upgrade.earlyMuxer && remote.streamMuxers().contains(NoiseIdentity.YAMUX);
        if (early) {
            MuxerSelectHandler.installYamux(p, "noise", upgrade, ctx.channel(), remote.peerId());
        } else {
            p.addAfter("noise", "muxer-select", new MuxerSelectHandler(upgrade, remote.peerId()));
        }
        p.remove(this);
    }

    private static void writeFrame(ChannelHandlerContext ctx, byte[] msg) {
        ByteBuf b = ctx.alloc().buffer(2 + msg.length);
        b.writeShort(msg.length);
        b.writeBytes(msg);
        ctx.writeAndFlush(b);
    }

    static void writeOrRelease(ChannelHandlerContext ctx, ByteBuf b) {
        if (b.isReadable()) {
            ctx.writeAndFlush(b);
        } else {
            b.release();
        }
    }
}

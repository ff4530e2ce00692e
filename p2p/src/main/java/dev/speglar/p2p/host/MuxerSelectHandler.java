package dev.speglar.p2p.host;

import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.multistream.MultistreamNegotiator;
import dev.speglar.p2p.noise.NoiseIdentity;
import dev.speglar.p2p.yamux.YamuxFrameCodec;
import dev.speglar.p2p.yamux.YamuxSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/** Inside Noise, when the early-muxer extension did not agree: multistream-select of /yamux/1.0.0. */
final class MuxerSelectHandler extends ByteToMessageDecoder {
    private final Upgrade upgrade;
    private final PeerId remote;
    private final MultistreamNegotiator select;

    MuxerSelectHandler(Upgrade upgrade, PeerId remote) {
        this.upgrade = upgrade;
        this.remote = remote;
        this.select = upgrade.outbound
                ? MultistreamNegotiator.dialer(NoiseIdentity.YAMUX)
                : MultistreamNegotiator.listener(NoiseIdentity.YAMUX::equals);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ByteBuf out = ctx.alloc().buffer();
        select.start(out);
        ctx.writeAndFlush(out);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ByteBuf reply = ctx.alloc().buffer();
        String selected = select.feed(in, reply);
        SecureUpgradeHandler.writeOrRelease(ctx, reply);
        if (selected != null) {
            installYamux(ctx.pipeline(), ctx.name(), upgrade, ctx.channel(), remote);
            ctx.pipeline().remove(this);
        }
    }

    static void installYamux(ChannelPipeline p, String after, Upgrade upgrade, Channel ch, PeerId remote) {
        Connection c = upgrade.muxed(ch, remote);
        p.addAfter(after, "yamux-codec", new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW));
        p.addAfter("yamux-codec", "yamux", c.session());
        upgrade.completed(c);
        c.start();
    }
}

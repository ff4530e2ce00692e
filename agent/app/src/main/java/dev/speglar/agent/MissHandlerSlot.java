package dev.speglar.agent;

import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.MissHandler;
import dev.speglar.registry.NotFoundMissHandler;
import io.netty.channel.ChannelHandlerContext;

/** A miss handler set after the server started; until then misses get the plain 404 containerd falls back on. */
final class MissHandlerSlot implements MissHandler {
    private volatile MissHandler target = NotFoundMissHandler.INSTANCE;

    void set(MissHandler handler) {
        target = handler;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, DistributionRequest request, boolean keepAlive) {
        target.handle(ctx, request, keepAlive);
    }
}

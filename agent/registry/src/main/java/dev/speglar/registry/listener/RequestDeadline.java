package dev.speglar.registry.listener;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes a connection that does not deliver a request head in time: the header timeout runs from accept, the idle
 * timeout from the end of each response. No timer runs while a request is being answered (a blob may stream for
 * minutes). Sits after the HTTP codec, so it sees decoded request heads and the responses' last chunks.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private final ListenerLimits limits;
    private final Consumer<String> onTimeout;
    /** Requests received and not yet fully answered (pipelining allows several). */
    private int outstanding;

    private ScheduledFuture<?> timer;

    RequestDeadline(ListenerLimits limits, Consumer<String> onTimeout) {
        this.limits = limits;
        this.onTimeout = onTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx, limits.headerTimeout().toMillis(), "header");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            outstanding++;
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) {
            ChannelPromise p = promise.unvoid();
            ctx.write(msg, p);
            p.addListener(f -> {
                if (f.isSuccess() && --outstanding == 0 && ctx.channel().isActive()) {
                    arm(ctx, limits.idleTimeout().toMillis(), "idle");
                }
            });
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm(ChannelHandlerContext ctx, long millis, String reason) {
        cancel();
        if (millis <= 0) {
            return;
        }
        timer = ctx.executor()
                .schedule(
                        () -> {
                            if (outstanding == 0 && ctx.channel().isActive()) {
                                onTimeout.accept(reason);
                                ctx.close();
                            }
                        },
                        millis,
                        TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

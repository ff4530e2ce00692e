package dev.speglar.p2p.host;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Builds the per-connection pipeline: handshake timer, upgrade, and a tail that closes on any error. */
final class ConnectionInitializer extends ChannelInitializer<SocketChannel> {
    private final HostConfig config;
    private final HostCounters counters;
    private final Function<SocketChannel, Upgrade> upgrades;

    ConnectionInitializer(HostConfig config, HostCounters counters, Function<SocketChannel, Upgrade> upgrades) {
        this.config = config;
        this.counters = counters;
        this.upgrades = upgrades;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        Upgrade upgrade = upgrades.apply(ch);
        if (upgrade == null) {
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> upgrade.failed(new java.io.IOException("connection closed")));
        long handshakeMillis = config.handshakeTimeout().toMillis();
        ch.eventLoop()
                .schedule(
                        () -> {
                            if (!upgrade.result.isDone()) {
                                counters.handshakeTimeouts.increment();
                                upgrade.failed(new java.util.concurrent.TimeoutException("handshake timed out"));
                                ch.close();
                            }
                        },
                        handshakeMillis,
                        TimeUnit.MILLISECONDS);
        ch.pipeline().addLast("secure", new SecureUpgradeHandler(upgrade)).addLast("tail", new Tail(upgrade));
    }

    /** Last handler: closes on any exception (protocol violations included), failing the upgrade. */
    private static final class Tail extends ChannelDuplexHandler {
        private final Upgrade upgrade;

        Tail(Upgrade upgrade) {
            this.upgrade = upgrade;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable t = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause()
                    : cause;
            upgrade.failed(t);
            ctx.close();
        }
    }
}

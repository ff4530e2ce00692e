package dev.speglar.registry.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A listening server channel and the event loops it owns: bound once, closed once, nothing leaked on failure. */
public final class BoundServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private BoundServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds {@code bootstrap} (already configured with {@code group}) to {@code address}. On failure the group is shut
     * down and the error names the address.
     */
    public static BoundServer bind(ServerBootstrap bootstrap, EventLoopGroup group, InetSocketAddress address)
            throws InterruptedException {
        try {
            return new BoundServer(group, bootstrap.bind(address).sync().channel());
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        } catch (Exception e) {
            // sync() rethrows the bind failure as-is, including checked exceptions it does not declare.
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw failure(address, e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting; open connections stay (see {@link Drain}). */
    public void stopAccepting() {
        channel.close().awaitUninterruptibly();
    }

    /** Stops accepting, closes connections and releases the event loops. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static RuntimeException failure(InetSocketAddress address, Exception e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof IOException io) {
            return new UncheckedIOException("cannot listen on " + address + ": " + io.getMessage(), io);
        }
        return new IllegalStateException("cannot listen on " + address, e);
    }
}

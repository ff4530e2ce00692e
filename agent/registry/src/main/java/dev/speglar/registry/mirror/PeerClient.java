package dev.speglar.registry.mirror;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens exchanges to peers. A peer connection lives on the event loop of the client connection it serves, so relaying
 * needs no thread hand-off; idle keep-alive connections are pooled per loop and peer address (each pool touched only
 * by its own loop, hence no locks).
 */
final class PeerClient implements AutoCloseable {
    static final String EXCHANGE = "exchange";
    private static final io.netty.util.AttributeKey<EventLoop> FALLBACK_LOOP =
            io.netty.util.AttributeKey.valueOf(PeerClient.class, "fallbackLoop");
    private static final int MAX_IDLE_PER_ADDRESS = 32;

    private final Map<EventLoop, Map<InetSocketAddress, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();
    private final int connectTimeoutMillis;
    private final long stallNanos;
    private final EventLoopGroup configuredGroup;
    private final dev.speglar.registry.tls.PeerTls tls;
    private volatile EventLoopGroup ownGroup;

    PeerClient(MirrorConfig config) {
        this.connectTimeoutMillis =
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
        this.stallNanos = config.stallTimeout().toNanos();
        this.configuredGroup = config.eventLoopGroup();
        this.tls = config.peerTls();
    }

    /** HTTP, or HTTP over mutual TLS when peer TLS is on (the context is read per connection: rotations apply). */
    private io.netty.channel.ChannelHandler pipelineFor(InetSocketAddress to) {
        if (tls == null) {
            return new HttpClientCodec();
        }
        return new io.netty.channel.ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // No peer host: agents are dialed by IP and their certificates name agents, not addresses.
                var ssl = tls.client().newHandler(ch.alloc());
                // The dial's own bound: a peer that accepts but never completes the handshake fails within it.
                ssl.setHandshakeTimeoutMillis(connectTimeoutMillis);
                ch.pipeline().addLast("tls", ssl).addLast("codec", new HttpClientCodec());
            }
        };
    }

    /** Starts {@code request} to {@code target} for the client connection {@code client}. */
    PeerExchange start(Channel client, PeerTarget target, HttpRequest request, PeerExchange.Listener listener) {
        EventLoop loop;
        Class<? extends Channel> transport;
        if (client instanceof SocketChannel && hasNoArgConstructor(client.getClass())) {
            // Same transport (NIO, epoll, ...) and same loop as the accepted client connection.
            loop = client.eventLoop();
            transport = client.getClass();
        } else {
            // One loop per client connection, always the same: a relay and its resumed legs stay on one thread.
            loop = client.attr(FALLBACK_LOOP).setIfAbsent(fallbackGroup().next());
            loop = loop != null ? loop : client.attr(FALLBACK_LOOP).get();
            transport = NioSocketChannel.class;
        }
        PeerExchange ex = new PeerExchange(this, loop, transport, target, request, listener, stallNanos, tls != null);
        loop.execute(() -> begin(ex));
        return ex;
    }

    private void begin(PeerExchange ex) {
        Map<InetSocketAddress, ArrayDeque<Channel>> pools = idle.get(ex.loop());
        if (pools != null) {
            for (InetSocketAddress a : ex.target.addresses()) {
                ArrayDeque<Channel> q = pools.get(a);
                Channel ch;
                while (q != null && (ch = q.pollLast()) != null) {
                    if (ch.isActive()) {
                        ex.send(ch, true);
                        return;
                    }
                    ch.close();
                }
            }
        }
        connect(ex);
    }

    /**
     * Opens a fresh connection. With several addresses this is happy eyeballs (RFC 8305, as Spegel does): IPv6 first,
     * each further address tried {@link #STAGGER_MILLIS} after the previous one or as soon as it failed; the first
     * connection wins and the others are closed.
     */
    void connect(PeerExchange ex) {
        new Dial(ex).start(0);
    }

    static final long STAGGER_MILLIS = 15;

    private final class Dial {
        private final PeerExchange ex;
        private final java.util.List<InetSocketAddress> addresses;
        private int started;
        private int failed;
        private boolean won;

        Dial(PeerExchange ex) {
            this.ex = ex;
            this.addresses = ex.target.addresses();
        }

        void start(int i) {
            if (won || i != started || i >= addresses.size()) {
                return;
            }
            started++;
            ChannelFuture f = new Bootstrap()
                    .group(ex.loop())
                    .channel(ex.transport)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                    .handler(pipelineFor(addresses.get(i)))
                    .connect(addresses.get(i));
            f.addListener(r -> done(f, i));
            if (i + 1 < addresses.size()) {
                ex.loop().schedule(() -> start(i + 1), STAGGER_MILLIS, TimeUnit.MILLISECONDS);
            }
        }

        private void done(ChannelFuture f, int i) {
            if (f.isSuccess()) {
                if (won) {
                    f.channel().close();
                } else {
                    won = true;
                    ex.send(f.channel(), false);
                }
                return;
            }
            failed++;
            if (failed == addresses.size()) {
                ex.connectFailed(f.cause());
            } else {
                start(started); // the next address need not wait for the stagger after a failure
            }
        }
    }

    /** Keeps a connection whose last response was read completely; called on its loop. */
    void recycle(Channel ch, PeerTarget target) {
        if (!ch.isActive() || !(ch.remoteAddress() instanceof InetSocketAddress remote)) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> q = idle.computeIfAbsent(ch.eventLoop(), l -> new HashMap<>())
                .computeIfAbsent(remote, a -> new ArrayDeque<>());
        if (q.size() >= MAX_IDLE_PER_ADDRESS) {
            ch.close();
            return;
        }
        q.addLast(ch);
    }

    private static boolean hasNoArgConstructor(Class<?> c) {
        try {
            c.getConstructor();
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private EventLoopGroup fallbackGroup() {
        if (configuredGroup != null) {
            return configuredGroup;
        }
        EventLoopGroup g = ownGroup;
        if (g == null) {
            synchronized (this) {
                if (ownGroup == null) {
                    ownGroup = new MultiThreadIoEventLoopGroup(
                            1, new DefaultThreadFactory("speglar-mirror", true), NioIoHandler.newFactory());
                }
                g = ownGroup;
            }
        }
        return g;
    }

    @Override
    public void close() {
        idle.forEach((loop, pools) -> {
            if (!loop.isShuttingDown()) { // a loop that is shutting down closes its channels itself
                try {
                    loop.execute(() -> {
                        pools.values().forEach(q -> q.forEach(Channel::close));
                        pools.clear();
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // terminated meanwhile: its channels are closed already
                }
            }
        });
        EventLoopGroup g = ownGroup;
        if (g != null) {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}

package dev.speglar.registry.metrics;

import dev.speglar.registry.http.BoundServer;
import dev.speglar.registry.http.Transport;
import dev.speglar.registry.listener.ListenerGuard;
import dev.speglar.registry.listener.ListenerLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The small HTTP server on {@code --metrics-addr}: {@code GET /metrics} in the Prometheus text format, plus the debug
 * pages {@linkplain #route registered} before start.
 */
public final class MetricsServer implements AutoCloseable {
    /** Debug requests served at once; more get 429 (a measure or a recording can take seconds). */
    static final int MAX_CONCURRENT_DEBUG = 4;

    private final InetSocketAddress bind;
    private final PrometheusRegistry registry;
    private final Map<String, DebugHandler> routes = new LinkedHashMap<>();
    private ExecutorService executor;
    private BoundServer server;

    private final ListenerLimits limits;

    public MetricsServer(InetSocketAddress bind, PrometheusRegistry registry) {
        this(bind, registry, ListenerLimits.DEFAULTS);
    }

    public MetricsServer(InetSocketAddress bind, PrometheusRegistry registry, ListenerLimits limits) {
        this.bind = Objects.requireNonNull(bind, "bind");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Serves GETs of {@code path} with {@code handler}: a path ending in '/' is a subtree, anything else an exact path.
     */
    public synchronized MetricsServer route(String path, DebugHandler handler) {
        if (server != null) {
            throw new IllegalStateException("routes must be registered before start");
        }
        if (!path.startsWith("/") || path.equals("/metrics")) {
            throw new IllegalArgumentException("bad route " + path);
        }
        routes.put(path, Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** Binds and starts serving; returns the bound address. */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        Transport t = Transport.AUTO.resolve();
        EventLoopGroup group = t.newGroup(1);
        executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("metrics-debug-", 0).factory());
        MetricsHandler handler = new MetricsHandler(registry, routes, executor, MAX_CONCURRENT_DEBUG);
        ListenerGuard guard = new ListenerGuard("metrics", limits, registry);
        ServerBootstrap sb = new ServerBootstrap()
                .group(group)
                .channel(t.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(4096)
                                        .setMaxHeaderSize(16384)))
                                .addLast(guard.deadline())
                                .addLast(new HttpObjectAggregator(0))
                                .addLast(new ChunkedWriteHandler())
                                .addLast(handler);
                    }
                });
        try {
            server = BoundServer.bind(guard.install(sb), group, bind);
        } catch (InterruptedException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        return address();
    }

    public InetSocketAddress address() {
        return server == null ? null : server.address();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}

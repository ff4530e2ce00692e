package dev.speglar.registry.listener;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enforces {@link ListenerLimits} on one HTTP server: caps open connections (in total and per source IP) at accept,
 * before a pipeline is even built, and gives each admitted connection a {@link RequestDeadline}. Counts what it cut
 * in {@code speglar_listener_*} metrics labelled with the server's name.
 */
public final class ListenerGuard {
    private static final Map<PrometheusRegistry, Metrics> METRICS = new WeakHashMap<>();

    private final String server;
    private final ListenerLimits limits;
    private final Metrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perSource = new ConcurrentHashMap<>();

    /** @param registry where to count refusals and timeouts; null counts nowhere */
    public ListenerGuard(String server, ListenerLimits limits, PrometheusRegistry registry) {
        this.server = Objects.requireNonNull(server, "server");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.metrics = registry == null ? null : metricsOn(registry);
        if (metrics != null) {
            metrics.guards.put(server, this);
            // Exported as 0 from the start, so alerts can use increase() and the series exist before the first cut.
            metrics.refused.initLabelValues(server, "total");
            metrics.refused.initLabelValues(server, "source");
            metrics.closed.initLabelValues(server, "header");
            metrics.closed.initLabelValues(server, "idle");
        }
    }

    private static Metrics metricsOn(PrometheusRegistry registry) {
        synchronized (METRICS) {
            return METRICS.computeIfAbsent(registry, Metrics::new);
        }
    }

    /** Installs the accept-time cap on {@code bootstrap}; call before binding. */
    public ServerBootstrap install(ServerBootstrap bootstrap) {
        return bootstrap.handler(new Gate());
    }

    /** A fresh per-connection deadline handler, to be placed right after the HTTP codec. */
    public ChannelHandler deadline() {
        return new RequestDeadline(limits, this::timedOut);
    }

    /** Open connections admitted by this guard. */
    public int openConnections() {
        return open.get();
    }

    private void timedOut(String reason) {
        if (metrics != null) {
            metrics.closed.labelValues(server, reason).inc();
        }
    }

    private void refused(String reason) {
        if (metrics != null) {
            metrics.refused.labelValues(server, reason).inc();
        }
    }

    private boolean admit(Channel child) {
        int max = limits.maxConnections();
        if (max > 0 && open.incrementAndGet() > max) {
            open.decrementAndGet();
            refused("total");
            return false;
        } else if (max <= 0) {
            open.incrementAndGet();
        }
        InetAddress source = child.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        AtomicInteger n = source == null ? null : perSource.computeIfAbsent(source, k -> new AtomicInteger());
        if (n != null
                && limits.maxConnectionsPerSource() > 0
                && n.incrementAndGet() > limits.maxConnectionsPerSource()) {
            release(source, n);
            refused("source");
            return false;
        } else if (n != null && limits.maxConnectionsPerSource() <= 0) {
            n.incrementAndGet();
        }
        child.closeFuture().addListener(f -> release(source, n));
        return true;
    }

    private void release(InetAddress source, AtomicInteger n) {
        open.decrementAndGet();
        if (n != null && n.decrementAndGet() <= 0) {
            perSource.remove(source, n);
        }
    }

    /** Sits on the server channel and sees each accepted child before the acceptor registers it. */
    @Sharable
    private final class Gate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child && !admit(child)) {
                // Not registered with an event loop yet: closing the socket directly is all there is to release.
                child.unsafe().closeForcibly();
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** One set of metric families per Prometheus registry, shared by the servers reporting into it. */
    private static final class Metrics {
        final Counter refused;
        final Counter closed;
        final Map<String, ListenerGuard> guards = new ConcurrentHashMap<>();

        Metrics(PrometheusRegistry registry) {
            refused = Counter.builder()
                    .name("speglar_listener_connections_refused_total")
                    .help("Connections closed at accept because a cap was reached (reason: total or source).")
                    .labelNames("server", "reason")
                    .register(registry);
            closed = Counter.builder()
                    .name("speglar_listener_connections_timed_out_total")
                    .help(
                            "Connections closed for a slow request head or a long idle keep-alive (reason: header or idle).")
                    .labelNames("server", "reason")
                    .register(registry);
            GaugeWithCallback.builder()
                    .name("speglar_listener_connections_open")
                    .help("Open connections on a listener.")
                    .labelNames("server")
                    .callback(cb -> guards.forEach((name, g) -> cb.call(g.openConnections(), name)))
                    .register(registry);
        }
    }
}

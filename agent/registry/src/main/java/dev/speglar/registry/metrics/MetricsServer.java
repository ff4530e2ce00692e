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
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.Objects;

/** The small HTTP server on {@code --metrics-addr}: {@code GET /metrics} in the Prometheus text format. */
public final class MetricsServer implements AutoCloseable {
  private final InetSocketAddress bind;
  private final PrometheusRegistry registry;
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

  /** Binds and starts serving; returns the bound address. */
  public synchronized InetSocketAddress start() throws InterruptedException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    Transport t = Transport.AUTO.resolve();
    EventLoopGroup group = t.newGroup(1);
    MetricsHandler handler = new MetricsHandler(registry);
    ListenerGuard guard = new ListenerGuard("metrics", limits, registry);
    ServerBootstrap sb = new ServerBootstrap()
        .group(group)
        .channel(t.serverChannel())
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(4096)
                    .setMaxHeaderSize(16384)))
                .addLast(guard.deadline())
                .addLast(new HttpObjectAggregator(0))
                .addLast(handler);
          }
        });
    server = BoundServer.bind(guard.install(sb), group, bind);
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
  }
}

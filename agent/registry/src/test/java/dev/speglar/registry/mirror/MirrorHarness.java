package dev.speglar.registry.mirror;

import dev.speglar.oci.Digest;
import dev.speglar.registry.ByteRange;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.routing.Router;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The "agent" under test: a bare HTTP server on 127.0.0.1 that hands every {@code /v2/} request to a
 * {@link PeerMirror} as a local miss (the real server, routing and local serving belong to the registry package).
 */
final class MirrorHarness implements AutoCloseable {
    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
            2, new io.netty.util.concurrent.DefaultThreadFactory("agent", true), NioIoHandler.newFactory());

    final PrometheusRegistry registry = new PrometheusRegistry();
    final PeerMirror mirror;
    private final Channel server;

    MirrorHarness(Router router, UnaryOperator<MirrorConfig.Builder> tune) throws InterruptedException {
        this(router, tune, null);
    }

    /** {@code inFlight}: the mirror also uses in-flight records and settles local fetches (null = off). */
    MirrorHarness(
            Router router,
            UnaryOperator<MirrorConfig.Builder> tune,
            dev.speglar.registry.inflight.InFlightSharing inFlight)
            throws InterruptedException {
        PeerMirror[] holder = new PeerMirror[1];
        server = new ServerBootstrap()
                .group(GROUP)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handler(holder));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        MirrorConfig config = tune.apply(MirrorConfig.builder(port())
                        .selfAddresses(Set.of(InetAddress.getLoopbackAddress()))
                        // Loaded CI machines can take longer than Spegel's 100 ms for a first connection; races are not
                        // under test
                        // for their timing here.
                        .raceBudgetFloor(java.time.Duration.ofSeconds(5)))
                .build();
        mirror = new PeerMirror(router, config, registry, inFlight);
        holder[0] = mirror;
    }

    MirrorHarness(Router router) throws InterruptedException {
        this(router, b -> b);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    static String blobPath(Digest d) {
        return "/v2/library/test/blobs/" + d + "?ns=docker.io";
    }

    static String manifestPath(String ref) {
        return "/v2/library/test/manifests/" + ref + "?ns=docker.io";
    }

    /** Prometheus text exposition of the mirror's metrics. */
    String metrics() {
        var out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of the sample line starting with {@code prefix}, or 0. */
    double metric(String prefix) {
        return metrics()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElse(0.0);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        mirror.close();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final PeerMirror[] mirror;

        Handler(PeerMirror[] mirror) {
            this.mirror = mirror;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            var q = new QueryStringDecoder(msg.uri());
            String[] parts = q.path().split("/");
            // /v2/<repo...>/<kind>/<ref>
            String ref = parts[parts.length - 1];
            String kind = parts[parts.length - 2];
            String repo = String.join("/", List.of(parts).subList(2, parts.length - 2));
            String ns = q.parameters().getOrDefault("ns", List.of("")).getFirst();
            boolean isDigest = Digest.isDigest(ref);
            var req = new DistributionRequest(
                    msg.method().equals(HttpMethod.HEAD),
                    kind.equals("blobs") ? DistributionRequest.Kind.BLOB : DistributionRequest.Kind.MANIFEST,
                    repo,
                    ns,
                    isDigest ? null : ref,
                    isDigest ? Digest.parse(ref) : null,
                    ByteRange.parse(msg.headers().get(HttpHeaderNames.RANGE)),
                    false);
            mirror[0].handle(ctx, req, HttpUtil.isKeepAlive(msg));
        }
    }
}

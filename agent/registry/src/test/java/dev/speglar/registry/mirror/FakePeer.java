package dev.speglar.registry.mirror;

import dev.speglar.oci.Digest;
import dev.speglar.registry.ByteRange;
import dev.speglar.registry.InvalidRangeException;
import dev.speglar.routing.Peer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A peer's registry for tests: serves what it was given, or misbehaves on purpose. Each instance listens on its own
 * loopback address (127.0.0.x) and an ephemeral port.
 */
final class FakePeer implements AutoCloseable {
    enum Mode {
        GOOD,
        /** 404 with an OCI error body, as a peer that lost the content. */
        NOT_FOUND,
        ERROR,
        /** Accepts the connection, reads the request, never answers. */
        SILENT,
        /** Sends the head and 40 % of each body, then drops the connection. */
        DIE_AFTER_40,
        /** Sends the head and 40 % of each body, then nothing more. */
        STALL_AFTER_40,
        /** Flips one byte in the middle of the content. */
        CORRUPT,
        /** Sends a manifest media type whatever was asked. */
        MANIFEST_TYPE,
        /** For tags: names a digest that does not match the body. */
        WRONG_DIGEST_HEADER,
        /** The first body dies after 40 %; later requests get the whole content with 200, ignoring Range. */
        DIE_ONCE_THEN_IGNORE_RANGE
    }

    record Content(byte[] bytes, String mediaType) {
        Digest digest() {
            return Digest.sha256(bytes);
        }
    }

    record Recorded(HttpMethod method, String uri, HttpHeaders headers) {}

    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
            2, new io.netty.util.concurrent.DefaultThreadFactory("fake-peer", true), NioIoHandler.newFactory());

    final String id;
    final InetAddress address;
    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    /** Full bodies whose last byte the kernel accepted (for backpressure tests). */
    private final java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
    /** Connections accepted. */
    final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    final java.util.concurrent.atomic.AtomicInteger bodiesWritten = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, Content> contents = new ConcurrentHashMap<>();
    /** As an in-flight node: the {@code Speglar-Arrived} value its streams carry; -1 sends none. */
    volatile long arrived = -1;
    /** As an in-flight node still choosing its source: this many requests are answered 503 "deciding" first. */
    final java.util.concurrent.atomic.AtomicInteger decidingAnswers = new java.util.concurrent.atomic.AtomicInteger();

    private volatile Mode mode;
    private final Channel server;

    FakePeer(String id, String ip, Mode mode) throws InterruptedException {
        this(id, ip, mode, null, java.time.Duration.ZERO);
    }

    /**
     * Serves over TLS with {@code tls} (null: plain HTTP); the handshake starts only {@code handshakeDelay} after a
     * connection was accepted, as on a node too loaded to answer a ClientHello at once (a negative delay: never).
     */
    FakePeer(String id, String ip, Mode mode, io.netty.handler.ssl.SslContext tls, java.time.Duration handshakeDelay)
            throws InterruptedException {
        this.id = id;
        this.mode = mode;
        try {
            this.address = InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
        server = new ServerBootstrap()
                .group(GROUP)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handler());
                        if (tls != null) {
                            ch.config().setAutoRead(false); // the ClientHello waits in the socket meanwhile
                            if (!handshakeDelay.isNegative()) {
                                ch.eventLoop()
                                        .schedule(
                                                () -> {
                                                    ch.pipeline().addFirst(tls.newHandler(ch.alloc()));
                                                    ch.config().setAutoRead(true);
                                                },
                                                handshakeDelay.toNanos(),
                                                java.util.concurrent.TimeUnit.NANOSECONDS);
                            }
                        }
                    }
                })
                .bind(new InetSocketAddress(address, 0))
                .sync()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    Peer peer() {
        return new Peer(id, List.of(address), port());
    }

    FakePeer mode(Mode m) {
        mode = m;
        return this;
    }

    /** Serves {@code content} under its digest (and under {@code tags}). */
    FakePeer put(Content content, String... tags) {
        contents.put(content.digest().toString(), content);
        for (String t : tags) {
            contents.put(t, content);
        }
        return this;
    }

    long contentRequests() {
        return requests.size();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.add(new Recorded(req.method(), req.uri(), req.headers().copy()));
            Mode m = mode;
            if (decidingAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                var busy = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE);
                busy.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                busy.headers()
                        .set(
                                dev.speglar.registry.inflight.InFlightSharing.STATE_HEADER,
                                dev.speglar.registry.inflight.InFlightSharing.DECIDING);
                ctx.writeAndFlush(busy);
                return;
            }
            switch (m) {
                case SILENT -> {}
                case NOT_FOUND -> error(ctx, HttpResponseStatus.NOT_FOUND);
                case ERROR -> error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR);
                default -> serve(ctx, req, m);
            }
        }

        private void error(ChannelHandlerContext ctx, HttpResponseStatus status) {
            byte[] body = "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"gone\"}]}".getBytes();
            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(r);
        }

        private void serve(ChannelHandlerContext ctx, FullHttpRequest req, Mode m) {
            String path = new QueryStringDecoder(req.uri()).path();
            Content c = contents.get(path.substring(path.lastIndexOf('/') + 1));
            if (c == null) {
                error(ctx, HttpResponseStatus.NOT_FOUND);
                return;
            }
            byte[] bytes = c.bytes();
            if (m == Mode.CORRUPT) {
                bytes = bytes.clone();
                bytes[bytes.length / 2] ^= 0x5a;
            }
            long first = 0;
            long last = bytes.length - 1;
            HttpResponse r;
            boolean firstServe = served.getAndIncrement() == 0;
            if (m == Mode.DIE_ONCE_THEN_IGNORE_RANGE) {
                m = firstServe ? Mode.DIE_AFTER_40 : Mode.GOOD;
                req.headers().remove(HttpHeaderNames.RANGE);
            }
            try {
                var range = ByteRange.parse(req.headers().get(HttpHeaderNames.RANGE));
                if (range.isPresent()) {
                    var resolved = range.get().resolve(bytes.length);
                    first = resolved.first();
                    last = resolved.last();
                    r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
                    r.headers().set(HttpHeaderNames.CONTENT_RANGE, resolved.contentRange());
                } else {
                    r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                }
            } catch (InvalidRangeException e) {
                var bad = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
                bad.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + bytes.length);
                bad.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(bad);
                return;
            }
            int len = (int) (last - first + 1);
            r.headers()
                    .set(
                            HttpHeaderNames.CONTENT_TYPE,
                            m == Mode.MANIFEST_TYPE ? "application/vnd.oci.image.manifest.v1+json" : c.mediaType());
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, len);
            if (arrived >= 0) {
                r.headers().set(dev.speglar.registry.inflight.InFlightSharing.ARRIVED_HEADER, arrived);
            }
            r.headers()
                    .set(
                            "Docker-Content-Digest",
                            m == Mode.WRONG_DIGEST_HEADER
                                    ? Digest.sha256("something else".getBytes()).toString()
                                    : c.digest().toString());
            if (req.method().equals(HttpMethod.HEAD)) {
                ctx.write(r);
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            ctx.write(r);
            if (m == Mode.DIE_AFTER_40 || m == Mode.STALL_AFTER_40) {
                int cut = Math.max(1, len * 4 / 10); // at least one byte, so every attempt makes progress
                var f = ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes, (int) first, cut));
                if (m == Mode.DIE_AFTER_40) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
            ctx.write(Unpooled.wrappedBuffer(bytes, (int) first, len));
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
                if (f.isSuccess()) {
                    bodiesWritten.incrementAndGet();
                }
            });
        }
    }
}

package dev.speglar.registry.http;

import dev.speglar.registry.metrics.HttpMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request/response exchange at a time per connection. Pipelined requests wait until the previous response was
 * fully written (whoever writes it: the local server or the miss handler), request bodies are discarded (the
 * registry is read-only), and each finished exchange is recorded in the HTTP metrics and, at debug level, the access
 * log.
 */
public final class HttpExchangeHandler extends ChannelDuplexHandler {
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.speglar.registry.access");
    private static final AttributeKey<Exchange> CURRENT = AttributeKey.valueOf(HttpExchangeHandler.class, "exchange");
    static final String API_VERSION = "Docker-Distribution-API-Version";
    private static final String V2 = "/v2/*";
    /** Pipelined requests buffered before reading from the socket is paused. */
    private static final int MAX_PENDING = 16;

    private final HttpMetrics metrics;
    private final Drain drain;
    private final ArrayDeque<HttpRequest> pending = new ArrayDeque<>();
    private Exchange current;
    /** A 505 was sent: the connection closes and nothing more is read. */
    private boolean closing;

    /** @param metrics where to record exchanges, or null */
    public HttpExchangeHandler(HttpMetrics metrics) {
        this(metrics, null);
    }

    /**
     * @param metrics where to record exchanges, or null
     * @param drain closes this connection after its current exchange once draining, or null
     */
    public HttpExchangeHandler(HttpMetrics metrics, Drain drain) {
        this.metrics = metrics;
        this.drain = drain;
    }

    /** True while {@code channel} has an exchange open (call on its event loop). */
    static boolean busy(Channel channel) {
        return channel.attr(CURRENT).get() != null;
    }

    /** Labels the channel's current exchange for the access log ({@code handler} = manifest|blob|mirror|...). */
    public static void tag(Channel channel, String handler, String registry) {
        Exchange e = channel.attr(CURRENT).get();
        if (e != null) {
            e.logHandler = handler;
            e.registry = registry;
        }
    }

    /** Runs {@code r} once the channel's current exchange ends, however it ends (at once if there is none). */
    public static void onFinish(Channel channel, Runnable r) {
        Exchange e = channel.attr(CURRENT).get();
        if (e == null) {
            r.run();
        } else {
            e.onFinish = e.onFinish == null ? r : chain(e.onFinish, r);
        }
    }

    private static Runnable chain(Runnable a, Runnable b) {
        return () -> {
            a.run();
            b.run();
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            // Bodies are never needed: drop content now, so only the request head is queued or passed on.
            if (msg instanceof HttpContent) {
                ReferenceCountUtil.release(msg);
                request = copyHead(request);
            }
            if (closing) {
                return; // after a 505 nothing more is read
            }
            originForm(request);
            if (current != null) {
                pending.add(request);
                if (pending.size() >= MAX_PENDING) {
                    ctx.channel().config().setAutoRead(false);
                }
                return;
            }
            start(ctx, request);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Exchange e = current;
        if (e == null) {
            ctx.write(msg, promise);
            return;
        }
        if (msg instanceof HttpResponse r) {
            e.status = r.status().code();
            if (e.keepAlive10 && !r.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
                // An HTTP/1.0 client keeps the connection only when told so; without this it waits for a close.
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            if (e.handler.equals(V2)) {
                // As the distribution registry, on every API answer (misses included), not only the /v2/ ping.
                r.headers().set(API_VERSION, "registry/2.0");
            }
        }
        if (msg instanceof HttpContent c) {
            e.bytes += c.content().readableBytes();
        } else if (msg instanceof ByteBuf b) {
            e.bytes += b.readableBytes();
        } else if (msg instanceof FileRegion f) {
            e.bytes += f.count();
        }
        if (msg instanceof LastHttpContent) {
            ChannelPromise p = promise.unvoid();
            ctx.write(msg, p);
            p.addListener(f -> complete(ctx, e, f.isSuccess()));
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            finish(ctx, current, false);
        }
        pending.clear();
        super.channelInactive(ctx);
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request) {
        if (!HttpVersions.supported(request)) {
            unsupportedVersion(ctx);
            return;
        }
        begin(ctx, request);
        ctx.fireChannelRead(request);
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest request) {
        Exchange e = new Exchange(request, System.nanoTime());
        current = e;
        ctx.channel().attr(CURRENT).set(e);
        if (metrics != null) {
            metrics.started(e.handler);
        }
    }

    private void complete(ChannelHandlerContext ctx, Exchange e, boolean success) {
        if (current != e) {
            return;
        }
        finish(ctx, e, success);
        if (!ctx.channel().isActive()) {
            return;
        }
        if (drain != null && drain.draining()) {
            ctx.close(); // stopping: pipelined requests are not started; the client retries them elsewhere
            return;
        }
        HttpRequest next = pending.poll();
        if (next != null) {
            start(ctx, next);
        } else if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void finish(ChannelHandlerContext ctx, Exchange e, boolean success) {
        current = null;
        ctx.channel().attr(CURRENT).set(null);
        Runnable after = e.onFinish;
        if (after != null) {
            e.onFinish = null;
            after.run();
        }
        long nanos = System.nanoTime() - e.startNanos;
        if (metrics != null) {
            if (success && e.status > 0) {
                metrics.finished(e.handler, e.method, e.status, nanos, e.bytes);
            } else {
                metrics.aborted(e.handler);
            }
        }
        if (ACCESS.isDebugEnabled() && !e.handler.equals("/readyz") && !e.handler.equals("/livez")) {
            ACCESS.atDebug()
                    .addKeyValue("path", e.path)
                    .addKeyValue("status", e.status)
                    .addKeyValue("method", e.method)
                    .addKeyValue("latency", java.time.Duration.ofNanos(nanos))
                    .addKeyValue("ip", ip(ctx.channel().remoteAddress(), e.forwardedFor))
                    .addKeyValue("handler", e.logHandler)
                    .addKeyValue("registry", e.registry)
                    .addKeyValue("bytes", e.bytes)
                    .addKeyValue("complete", success)
                    .log(success ? "request" : "request aborted");
        }
    }

    /** A 505 ends the connection: nothing queued or following is served (see {@link HttpVersions}). */
    private void unsupportedVersion(ChannelHandlerContext ctx) {
        closing = true;
        pending.clear();
        HttpVersions.refuse(ctx);
    }

    /**
     * RFC 9112 §3.2.2: a server must accept the absolute form ({@code GET http://host/v2/... HTTP/1.1}), which proxies
     * and some clients send; everything after this sees the origin form only.
     */
    static void originForm(HttpRequest r) {
        String uri = r.uri();
        int scheme = uri.indexOf("://");
        if (scheme <= 0 || uri.startsWith("/") || !uri.substring(0, scheme).matches("(?i)https?")) {
            return;
        }
        int path = uri.indexOf('/', scheme + 3);
        int query = uri.indexOf('?', scheme + 3);
        if (path < 0 || (query >= 0 && query < path)) {
            r.setUri(query < 0 ? "/" : "/" + uri.substring(query));
        } else {
            r.setUri(uri.substring(path));
        }
    }

    private static HttpRequest copyHead(HttpRequest r) {
        var copy = new io.netty.handler.codec.http.DefaultHttpRequest(
                r.protocolVersion(), r.method(), r.uri(), r.headers());
        copy.setDecoderResult(r.decoderResult());
        return copy;
    }

    private static String ip(SocketAddress remote, String forwardedFor) {
        if (forwardedFor != null && !forwardedFor.isBlank()) {
            int comma = forwardedFor.indexOf(',');
            return (comma < 0 ? forwardedFor : forwardedFor.substring(0, comma)).trim();
        }
        return remote instanceof InetSocketAddress a ? a.getHostString() : String.valueOf(remote);
    }

    /** State of one exchange; touched only on the channel's event loop. */
    private static final class Exchange {
        final long startNanos;
        final String handler;
        final String method;
        final String path;
        final String forwardedFor;
        final boolean keepAlive10;
        volatile String logHandler = "";
        volatile String registry = "";
        volatile Runnable onFinish;
        int status;
        long bytes;

        Exchange(HttpRequest r, long startNanos) {
            this.startNanos = startNanos;
            String uri = r.uri();
            int q = uri.indexOf('?');
            this.path = q < 0 ? uri : uri.substring(0, q);
            this.handler = handlerLabel(path);
            this.method = methodLabel(r.method());
            this.forwardedFor = r.headers().get("X-Forwarded-For");
            this.keepAlive10 = r.protocolVersion().equals(HttpVersion.HTTP_1_0) && HttpUtil.isKeepAlive(r);
        }
    }

    /** Route pattern as upstream labels it; bounded so odd paths cannot blow up label cardinality. */
    static String handlerLabel(String path) {
        if (path.equals("/v2") || path.startsWith("/v2/")) {
            return V2;
        }
        if (path.equals("/readyz") || path.equals("/livez")) {
            return path;
        }
        return "other";
    }

    static String methodLabel(HttpMethod m) {
        return m.equals(HttpMethod.GET)
                        || m.equals(HttpMethod.HEAD)
                        || m.equals(HttpMethod.PUT)
                        || m.equals(HttpMethod.POST)
                        || m.equals(HttpMethod.PATCH)
                        || m.equals(HttpMethod.DELETE)
                        || m.equals(HttpMethod.OPTIONS)
                ? m.name()
                : "OTHER";
    }
}

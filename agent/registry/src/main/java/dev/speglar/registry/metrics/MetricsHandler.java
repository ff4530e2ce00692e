package dev.speglar.registry.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedStream;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET|HEAD /metrics} with a scrape of the registry, and GETs under a registered prefix with its
 * {@link DebugHandler} (run off the event loop, at most a few at once); everything else is 404 or 405.
 */
@Sharable
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Map<String, DebugHandler> routes;
    private final Executor executor;
    private final Semaphore slots;

    MetricsHandler(
            PrometheusRegistry registry, Map<String, DebugHandler> routes, Executor executor, int maxConcurrent) {
        this.registry = registry;
        this.routes = Map.copyOf(routes);
        this.executor = executor;
        this.slots = new Semaphore(maxConcurrent);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
        boolean keepAlive =
                HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (request.decoderResult().isFailure()) {
            send(ctx, empty(ctx, HttpResponseStatus.BAD_REQUEST), false);
            return;
        }
        if (!dev.speglar.registry.http.HttpVersions.supported(request)) {
            dev.speglar.registry.http.HttpVersions.refuse(ctx);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        String route = path.equals("/metrics") ? path : route(path);
        if (route == null && routes.containsKey(path + "/")) {
            FullHttpResponse r = empty(ctx, HttpResponseStatus.MOVED_PERMANENTLY);
            r.headers().set(HttpHeaderNames.LOCATION, path + "/");
            send(ctx, r, keepAlive);
        } else if (route == null) {
            send(ctx, empty(ctx, HttpResponseStatus.NOT_FOUND), keepAlive);
        } else if (!request.method().equals(HttpMethod.GET) && !head) {
            FullHttpResponse r = empty(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED);
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, r, keepAlive);
        } else if (route.equals("/metrics")) {
            send(ctx, scrape(ctx, head), keepAlive);
        } else {
            dispatch(ctx, routes.get(route), new DebugRequest(path, uri.parameters()), keepAlive, head);
        }
    }

    /** The longest registered prefix ending in '/' that {@code path} starts with, or an exact match. */
    private String route(String path) {
        String best = null;
        for (String r : routes.keySet()) {
            boolean match = r.endsWith("/") ? path.startsWith(r) : path.equals(r);
            if (match && (best == null || r.length() > best.length())) {
                best = r;
            }
        }
        return best;
    }

    private FullHttpResponse scrape(ChannelHandlerContext ctx, boolean head) throws IOException {
        ByteBuf body = ctx.alloc().buffer(16 * 1024);
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            writer.write(out, registry.scrape());
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (head) {
            response = response.replace(ctx.alloc().buffer(0));
            body.release();
        }
        return response;
    }

    private void dispatch(
            ChannelHandlerContext ctx, DebugHandler handler, DebugRequest request, boolean keepAlive, boolean head) {
        if (!slots.tryAcquire()) {
            send(
                    ctx,
                    text(HttpResponseStatus.TOO_MANY_REQUESTS, "too many debug requests at once; try again\n"),
                    keepAlive);
            return;
        }
        try {
            executor.execute(() -> {
                DebugResponse response;
                try {
                    response = handler.handle(request);
                } catch (Exception | Error e) {
                    log.atWarn().setCause(e).addKeyValue("path", request.path()).log("debug page failed");
                    response = DebugResponse.of(500, DebugResponse.TEXT, "internal error: " + e + "\n");
                } finally {
                    slots.release();
                }
                respond(ctx, response, keepAlive, head);
            });
        } catch (RejectedExecutionException e) {
            slots.release();
            send(ctx, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down\n"), false);
        }
    }

    private void respond(ChannelHandlerContext ctx, DebugResponse r, boolean keepAlive, boolean head) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
        if (r.body() != null || head) {
            if (r.stream() != null) {
                closeQuietly(r.stream());
            }
            byte[] bytes = r.body() == null || head ? new byte[0] : r.body();
            FullHttpResponse full =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            headers(full, r);
            full.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body() == null ? 0 : r.body().length);
            send(ctx, full, keepAlive);
            return;
        }
        HttpResponse start = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        headers(start, r);
        HttpUtil.setTransferEncodingChunked(start, true);
        HttpUtil.setKeepAlive(start, keepAlive);
        ctx.write(start);
        ChannelFuture f = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedStream(r.stream(), 64 * 1024)));
        f.addListener(done -> closeQuietly(r.stream()));
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void headers(HttpResponse response, DebugResponse r) {
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff");
        if (r.filename() != null) {
            response.headers()
                    .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + r.filename() + "\"");
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(b));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, DebugResponse.TEXT)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, b.length);
        return r;
    }

    private static FullHttpResponse empty(ChannelHandlerContext ctx, HttpResponseStatus status) {
        FullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, ctx.alloc().buffer(0));
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            log.debug("closing debug stream", e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

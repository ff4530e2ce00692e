package dev.speglar.registry.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP versions both servers speak: 1.0 and 1.1. Go's net/http (upstream's server) answers any other major version
 * with 505 and closes, so an HTTP/2 prior-knowledge preface ({@code PRI * HTTP/2.0}, which h2c clients send unasked)
 * fails fast instead of reading an HTTP/1.1 answer as frames. ({@code Upgrade: h2c} is simply not taken up.)
 */
public final class HttpVersions {
    private static final byte[] TEXT = "505 HTTP Version Not Supported".getBytes(StandardCharsets.US_ASCII);

    private HttpVersions() {}

    public static boolean supported(HttpRequest request) {
        return request.protocolVersion().majorVersion() == 1;
    }

    /** Answers 505 as Go does and closes; stops reading, since whatever follows is not HTTP/1. */
    public static void refuse(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        var r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, Unpooled.wrappedBuffer(TEXT));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, TEXT.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}

package dev.speglar.registry;

import dev.speglar.common.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Writes complete error responses in the OCI distribution format
 * ({@code {"errors":[{"code":..,"detail":..,"message":..}]}}), shared by the local registry and the mirror path so
 * both answer byte-identically. HEAD responses carry the same headers (including {@code Content-Length}) but no body.
 */
public final class OciErrors {

    /** Codes of the OCI distribution spec, plus {@code RANGE_INVALID} as the distribution registry uses it. */
    public static final String BLOB_UNKNOWN = "BLOB_UNKNOWN";

    public static final String MANIFEST_UNKNOWN = "MANIFEST_UNKNOWN";
    public static final String MANIFEST_INVALID = "MANIFEST_INVALID";
    public static final String NAME_INVALID = "NAME_INVALID";
    public static final String NAME_UNKNOWN = "NAME_UNKNOWN";
    public static final String DIGEST_INVALID = "DIGEST_INVALID";
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    public static final String UNSUPPORTED = "UNSUPPORTED";
    public static final String RANGE_INVALID = "RANGE_INVALID";
    public static final String TOO_MANY_REQUESTS = "TOOMANYREQUESTS";

    /**
     * The JSON body. {@code detailJson} is inserted verbatim (a JSON value such as {@code {"attempts":0}}) and left out
     * when null; keys are in the order upstream emits them (code, detail, message).
     */
    public static String body(String code, String message, String detailJson) {
        StringBuilder sb = new StringBuilder(64 + message.length());
        sb.append("{\"errors\":[{\"code\":");
        Json.quote(sb, code);
        if (detailJson != null) {
            sb.append(",\"detail\":").append(detailJson);
        }
        sb.append(",\"message\":");
        Json.quote(sb, message);
        return sb.append("}]}").toString();
    }

    /** A complete error response with an OCI JSON body; the body is omitted (headers kept) when {@code head}. */
    public static FullHttpResponse response(
            HttpResponseStatus status, String code, String message, String detailJson, boolean head) {
        byte[] bytes = body(code, message, detailJson).getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }

    /** Writes and flushes an OCI error response; closes the connection afterwards unless {@code keepAlive}. */
    public static ChannelFuture write(
            ChannelHandlerContext ctx,
            HttpResponseStatus status,
            String code,
            String message,
            String detailJson,
            boolean head,
            boolean keepAlive) {
        return send(ctx, response(status, code, message, detailJson, head), keepAlive);
    }

    /** Writes a response with no body and {@code Content-Length: 0}, for errors that are not distribution errors. */
    public static ChannelFuture writeEmpty(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return send(ctx, r, keepAlive);
    }

    /** Sends a complete response, marking it keep-alive or close, and closes the channel after it when not. */
    public static ChannelFuture send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }

    private OciErrors() {}
}

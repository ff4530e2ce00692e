package dev.speglar.registry.mirror;

import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.OciErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The mirror's own answers: OCI error bodies and empty statuses (format of Spegel §2.8). */
final class MirrorResponses {

    /** 404 {@code BLOB_UNKNOWN}/{@code MANIFEST_UNKNOWN} with {@code {"attempts":N}}: containerd moves to the next host. */
    static void notFound(
            ChannelHandlerContext ctx, DistributionRequest req, int attempts, String message, boolean keepAlive) {
        String code = req.kind() == DistributionRequest.Kind.BLOB ? OciErrors.BLOB_UNKNOWN : OciErrors.MANIFEST_UNKNOWN;
        OciErrors.write(
                ctx,
                HttpResponseStatus.NOT_FOUND,
                code,
                message,
                "{\"attempts\":" + attempts + "}",
                req.head(),
                keepAlive);
    }

    /** A status with an empty body ({@code Content-Length: 0}, no type). */
    static void empty(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
        OciErrors.writeEmpty(ctx, status, keepAlive);
    }

    /** 416 for a range outside the content; names the size when known (RFC 9110 §15.5.17). */
    static void unsatisfiable(ChannelHandlerContext ctx, long total, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (total >= 0) {
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + total);
        }
        send(ctx, r, keepAlive);
    }

    /** A manifest that was verified whole (HEAD: {@code body} is null). */
    static void manifest(ChannelHandlerContext ctx, PeerHead head, byte[] body, boolean keepAlive) {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, head.contentType());
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body == null ? head.total() : body.length);
        r.headers().set("Docker-Content-Digest", head.digest().toString());
        send(ctx, r, keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        OciErrors.send(ctx, r, keepAlive);
    }

    private MirrorResponses() {}
}

package dev.speglar.registry.mirror;

import dev.speglar.registry.DistributionRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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

/** The mirror's own answers: OCI error bodies and empty statuses (format of Spegel §2.8). */
final class MirrorResponses {

  /** 404 {@code BLOB_UNKNOWN}/{@code MANIFEST_UNKNOWN} with {@code {"attempts":N}}: containerd moves to the next host. */
  static void notFound(ChannelHandlerContext ctx, DistributionRequest req, int attempts, String message,
      boolean keepAlive) {
    String code = req.kind() == DistributionRequest.Kind.BLOB ? "BLOB_UNKNOWN" : "MANIFEST_UNKNOWN";
    byte[] body = errorBody(code, "{\"attempts\":" + attempts + "}", message);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
        req.head() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    send(ctx, r, keepAlive);
  }

  /** A status with an empty body ({@code Content-Length: 0}, no type). */
  static void empty(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    send(ctx, r, keepAlive);
  }

  /** 416 for a range outside the content; names the size when known (RFC 9110 §15.5.17). */
  static void unsatisfiable(ChannelHandlerContext ctx, long total, boolean keepAlive) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, Unpooled.EMPTY_BUFFER);
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
    HttpUtil.setKeepAlive(r, keepAlive);
    var f = ctx.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  static byte[] errorBody(String code, String detailJson, String message) {
    return ("{\"errors\":[{\"code\":\"" + code + "\",\"detail\":" + detailJson + ",\"message\":\"" + json(message)
        + "\"}]}").getBytes(StandardCharsets.UTF_8);
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            b.append(String.format("\\u%04x", (int) c)); // Go's encoder escapes HTML characters too
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private MirrorResponses() {}
}

package dev.speglar.registry.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/** Answers {@code GET|HEAD /metrics} with a scrape of the registry; everything else is 404 or 405. */
@Sharable
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final PrometheusRegistry registry;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  MetricsHandler(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
    boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
    FullHttpResponse response;
    if (request.decoderResult().isFailure()) {
      response = empty(ctx, HttpResponseStatus.BAD_REQUEST);
    } else if (!new QueryStringDecoder(request.uri()).rawPath().equals("/metrics")) {
      response = empty(ctx, HttpResponseStatus.NOT_FOUND);
    } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
      response = empty(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED);
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    } else {
      ByteBuf body = ctx.alloc().buffer(16 * 1024);
      try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
        writer.write(out, registry.scrape());
      } catch (IOException | RuntimeException e) {
        body.release();
        throw e;
      }
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType())
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      if (request.method().equals(HttpMethod.HEAD)) {
        response = response.replace(ctx.alloc().buffer(0));
        body.release();
      }
    }
    HttpUtil.setKeepAlive(response, keepAlive);
    var f = ctx.writeAndFlush(response);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse empty(ChannelHandlerContext ctx, HttpResponseStatus status) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, ctx.alloc().buffer(0));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return r;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}

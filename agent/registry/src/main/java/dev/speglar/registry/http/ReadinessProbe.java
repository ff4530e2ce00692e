package dev.speglar.registry.http;

import dev.speglar.registry.OciErrors;
import dev.speglar.registry.Readiness;
import dev.speglar.routing.Router;
import dev.speglar.store.ContentStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.function.Supplier;

/** {@code /readyz}: upstream's status with an empty body, or with {@code ?verbose} a line per check and finding. */
final class ReadinessProbe {
  private final Router router;
  private final ContentStore store;
  private final Readiness mode;
  private final Supplier<List<String>> notes;

  ReadinessProbe(Router router, ContentStore store, Readiness mode, Supplier<List<String>> notes) {
    this.router = router;
    this.store = store;
    this.mode = mode;
    this.notes = notes;
  }

  void answer(ChannelHandlerContext ctx, boolean head, boolean verbose, boolean keepAlive) {
    boolean ready = ready();
    HttpResponseStatus status = ready ? HttpResponseStatus.OK : HttpResponseStatus.INTERNAL_SERVER_ERROR;
    if (verbose) {
      verbose(ctx, head, ready, status, keepAlive);
    } else {
      OciErrors.writeEmpty(ctx, status, keepAlive);
    }
  }

  /**
   * Kubernetes-style detail: {@code [+]} or {@code [-]} for readiness itself, then {@code [!]} per finding that
   * leaves the node serving but needs an operator (it does not change the status code).
   */
  private void verbose(ChannelHandlerContext ctx, boolean head, boolean ready, HttpResponseStatus status,
      boolean keepAlive) {
    StringBuilder body = new StringBuilder(ready ? "[+]ready ok\n" : "[-]ready failed: no peers reachable yet\n");
    for (String note : notes.get()) {
      body.append("[!]").append(note.replace('\n', ' ')).append('\n');
    }
    byte[] bytes = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    OciErrors.send(ctx, r, keepAlive);
  }

  private boolean ready() {
    if (mode == Readiness.ALWAYS) {
      return true;
    }
    if (router != null && router.ready()) {
      return true;
    }
    if (mode == Readiness.ROUTER_OR_LOCAL_CONTENT) {
      try {
        return !store.images().isEmpty();
      } catch (Exception e) {
        return false;
      }
    }
    return false;
  }
}

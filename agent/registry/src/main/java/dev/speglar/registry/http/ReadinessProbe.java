package dev.speglar.registry.http;

import dev.speglar.registry.OciErrors;
import dev.speglar.registry.Readiness;
import dev.speglar.registry.ReadinessCheck;
import dev.speglar.routing.Router;
import dev.speglar.store.ContentStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /readyz}: upstream's status, with the reason as one line of body (upstream's body is empty; probes ignore
 * it); with {@code ?verbose}, Kubernetes-style lines: {@code [+]ready ok: <why>} or {@code [-]ready failed: <why>},
 * then {@code [!]} per finding that leaves the node serving but needs an operator (it does not change the status).
 */
final class ReadinessProbe {
    private final ReadinessCheck check;
    private final Supplier<List<String>> notes;

    ReadinessProbe(Router router, ContentStore store, Readiness mode, Supplier<List<String>> notes) {
        this.check = new ReadinessCheck(router, store, mode);
        this.notes = notes;
    }

    void answer(ChannelHandlerContext ctx, boolean head, boolean verbose, boolean keepAlive) {
        ReadinessCheck.Status ready = check.check();
        HttpResponseStatus status = ready.ready() ? HttpResponseStatus.OK : HttpResponseStatus.INTERNAL_SERVER_ERROR;
        StringBuilder body = new StringBuilder();
        if (verbose) {
            String why = ready.reason().substring(ready.reason().indexOf(": ") + 2);
            body.append(ready.ready() ? "[+]ready ok: " : "[-]ready failed: ")
                    .append(why)
                    .append('\n');
            for (String note : notes.get()) {
                body.append("[!]").append(note.replace('\n', ' ')).append('\n');
            }
        } else {
            body.append(ready.reason()).append('\n');
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        OciErrors.send(ctx, r, keepAlive);
    }
}

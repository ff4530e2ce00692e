package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OciErrorsTest {

    private static final String VECTOR_DIGEST =
            "sha256:03ffdf45276dd38ffac79b0e9c6c14d89d9113ad783d5922580f4c66a3305591";

    @Test
    void bodyMatchesUpstreamVectorByteForByte() {
        String body = OciErrors.body("BLOB_UNKNOWN", "could not find peer for " + VECTOR_DIGEST, "{\"attempts\":0}");
        assertThat(body)
                .isEqualTo("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"detail\":{\"attempts\":0},\"message\":"
                        + "\"could not find peer for " + VECTOR_DIGEST + "\"}]}");
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(168);
    }

    @Test
    void detailIsOmittedWhenNullAndMessagesAreEscaped() {
        assertThat(OciErrors.body("UNAUTHORIZED", "invalid credentials", null))
                .isEqualTo("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid credentials\"}]}");
        assertThat(OciErrors.body("X", "a\"b\\c\n\u0001", null)).contains("\"a\\\"b\\\\c\\n\\u0001\"");
    }

    @Test
    void headResponseKeepsLengthButHasNoBody() {
        FullHttpResponse get = OciErrors.response(HttpResponseStatus.NOT_FOUND, "BLOB_UNKNOWN", "m", null, false);
        FullHttpResponse head = OciErrors.response(HttpResponseStatus.NOT_FOUND, "BLOB_UNKNOWN", "m", null, true);
        assertThat(head.headers().get("Content-Length")).isEqualTo(get.headers().get("Content-Length"));
        assertThat(head.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(head.content().readableBytes()).isZero();
        assertThat(get.content().readableBytes()).isEqualTo(get.headers().getInt("Content-Length"));
        get.release();
    }

    @Test
    void writeClosesTheChannelUnlessKeepAlive() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = ch.pipeline().firstContext();
        OciErrors.write(ctx, HttpResponseStatus.NOT_FOUND, "BLOB_UNKNOWN", "m", null, false, true);
        FullHttpResponse kept = ch.readOutbound();
        assertThat(kept.status().code()).isEqualTo(404);
        assertThat(ch.isOpen()).isTrue();
        kept.release();
        OciErrors.writeEmpty(ctx, HttpResponseStatus.NOT_FOUND, false);
        FullHttpResponse closed = ch.readOutbound();
        assertThat(closed.headers().get("Connection")).isEqualTo("close");
        assertThat(closed.headers().get("Content-Length")).isEqualTo("0");
        assertThat(ch.isOpen()).isFalse();
    }
}

package dev.speglar.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.MissHandler;
import dev.speglar.registry.NotFoundMissHandler;
import dev.speglar.registry.Readiness;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.store.Blob;
import dev.speglar.store.ContentStore;
import dev.speglar.store.Image;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The server pipeline on an {@link EmbeddedChannel}: raw request bytes in, raw response bytes out. */
class RegistryPipelineTest {

    private record Deferred(ChannelHandlerContext ctx, DistributionRequest request, boolean keepAlive) {}

    private static EmbeddedChannel channel(ContentStore store, MissHandler miss) {
        RegistryHandler handler = new RegistryHandler(new RegistryHandler.Config(
                store, null, miss, new DistributionPathParser("docker.io"), List.of(), null, Readiness.ROUTER, null));
        return new EmbeddedChannel(
                new HttpServerCodec(), new HttpExchangeHandler(null), new ChunkedWriteHandler(), handler);
    }

    private static String drain(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            ByteBuf b = (ByteBuf) o;
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    private static void send(EmbeddedChannel ch, String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    @Test
    void pipelinedRequestWaitsUntilTheAsynchronousMissResponseIsComplete() {
        List<Deferred> deferred = new ArrayList<>();
        FakeContentStore store = new FakeContentStore(null);
        EmbeddedChannel ch = channel(store, (ctx, r, k) -> deferred.add(new Deferred(ctx, r, k)));
        send(
                ch,
                "HEAD /v2/a/manifests/one?ns=docker.io HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "HEAD /v2/a/manifests/two?ns=docker.io HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(deferred).extracting(d -> d.request().tag()).containsExactly("one");
        assertThat(drain(ch)).isEmpty();

        Deferred first = deferred.getFirst();
        NotFoundMissHandler.INSTANCE.handle(first.ctx(), first.request(), first.keepAlive());
        ch.runPendingTasks();
        assertThat(drain(ch)).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(deferred).extracting(d -> d.request().tag()).containsExactly("one", "two");
    }

    @Test
    void storeFailureIsAMissNotA500() {
        ContentStore broken = new FakeContentStore(null) {
            @Override
            public Optional<Digest> resolve(ImageName tagged) {
                throw new IllegalStateException("index corrupt");
            }

            @Override
            public Optional<Descriptor> descriptor(Digest digest) {
                throw new UncheckedIOExceptionLike();
            }
        };
        List<String> misses = new ArrayList<>();
        EmbeddedChannel ch = channel(broken, (ctx, r, k) -> {
            misses.add(r.key());
            NotFoundMissHandler.INSTANCE.handle(ctx, r, k);
        });
        send(ch, "GET /v2/a/manifests/x?ns=docker.io HTTP/1.1\r\nHost: t\r\n\r\n");
        send(ch, "GET /v2/a/blobs/sha256:" + "1".repeat(64) + " HTTP/1.1\r\nHost: t\r\n\r\n");
        String out = drain(ch);
        assertThat(out).doesNotContain(" 500 ").contains("HTTP/1.1 404 Not Found");
        assertThat(misses).containsExactly("docker.io/a:x", "sha256:" + "1".repeat(64));
    }

    @Test
    void streamedBlobBodyIsExactAndFollowedByNextResponse() {
        FakeContentStore store = new FakeContentStore(null);
        byte[] content = "abcdefghijklmnopqrstuvwxyz".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        Descriptor d = store.add(MediaTypes.OCTET_STREAM, content);
        EmbeddedChannel ch = channel(store, NotFoundMissHandler.INSTANCE);
        send(
                ch,
                "GET /v2/a/blobs/" + d.digest() + " HTTP/1.1\r\nHost: t\r\nRange: bytes=-26\r\n\r\n"
                        + "GET /livez HTTP/1.1\r\nHost: t\r\n\r\n");
        ch.runPendingTasks();
        String out = drain(ch);
        assertThat(out)
                .contains(
                        "HTTP/1.1 206 Partial Content\r\n",
                        "content-range: bytes 259974-259999/260000\r\n",
                        "content-length: 26\r\n");
        assertThat(out).contains("\r\n\r\nabcdefghijklmnopqrstuvwxyzHTTP/1.1 200 OK\r\n");
    }

    @Test
    void truncatedStoreStreamClosesTheConnectionInsteadOfHanging() {
        FakeContentStore base = new FakeContentStore(null);
        Descriptor d = base.add(MediaTypes.OCTET_STREAM, new byte[100_000]);
        ContentStore lying = new FakeContentStore(null) {
            @Override
            public Optional<Descriptor> descriptor(Digest digest) {
                return base.descriptor(digest);
            }

            @Override
            public Optional<Blob> open(Digest digest) {
                return Optional.of(new Blob() {
                    @Override
                    public Descriptor descriptor() {
                        return d;
                    }

                    @Override
                    public Optional<java.nio.file.Path> file() {
                        return Optional.empty();
                    }

                    @Override
                    public java.io.InputStream openStream(long offset) {
                        return new java.io.ByteArrayInputStream(new byte[10]);
                    }
                });
            }

            @Override
            public List<Image> images() {
                return List.of();
            }
        };
        EmbeddedChannel ch = channel(lying, NotFoundMissHandler.INSTANCE);
        send(ch, "GET /v2/a/blobs/" + d.digest() + " HTTP/1.1\r\nHost: t\r\n\r\n");
        ch.runPendingTasks();
        assertThat(drain(ch)).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(ch.isOpen()).isFalse();
    }

    /** A runtime failure that is not an IOException, as a buggy store might throw. */
    private static final class UncheckedIOExceptionLike extends RuntimeException {
        UncheckedIOExceptionLike() {
            super(new IOException("disk gone"));
        }
    }
}

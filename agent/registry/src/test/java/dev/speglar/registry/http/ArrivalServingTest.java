package dev.speglar.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Digest;
import dev.speglar.registry.NotFoundMissHandler;
import dev.speglar.registry.Readiness;
import dev.speglar.registry.inflight.InFlightSharing;
import dev.speglar.registry.inflight.LocalFetches;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.store.Arrival;
import dev.speglar.store.ArrivingContent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peers asking for a blob this node is still receiving, on an {@link EmbeddedChannel} with a file that grows. */
class ArrivalServingTest {
    private static final String BODY = "0123456789abcdef";
    private static final Digest DIGEST = Digest.sha256(BODY.getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    private final LocalFetches fetches = new LocalFetches();

    private EmbeddedChannel channel(ArrivingContent arrivals, int uploadLimit) {
        return channel(arrivals, uploadLimit, Duration.ofSeconds(2));
    }

    private EmbeddedChannel channel(ArrivingContent arrivals, int uploadLimit, Duration stall) {
        var sharing = new InFlightSharing(arrivals, fetches, d -> {}, stall, Duration.ZERO, Duration.ZERO);
        RegistryHandler handler = new RegistryHandler(new RegistryHandler.Config(
                new FakeContentStore(null),
                null,
                NotFoundMissHandler.INSTANCE,
                new DistributionPathParser("docker.io"),
                List.of(),
                null,
                Readiness.ROUTER,
                null,
                null,
                sharing,
                uploadLimit,
                null,
                null,
                null));
        EmbeddedChannel ch = new EmbeddedChannel(
                new HttpServerCodec(), new HttpExchangeHandler(null), new ChunkedWriteHandler(), handler);
        ch.freezeTime();
        return ch;
    }

    private static ArrivingContent arriving(Arrival a) {
        return new ArrivingContent() {
            @Override
            public List<Arrival> arrivals() {
                return List.of(a);
            }

            @Override
            public Optional<Arrival> find(Digest d) {
                return d.equals(a.digest()) ? Optional.of(a) : Optional.empty();
            }
        };
    }

    private Arrival arrival(String present) throws Exception {
        Path data = dir.resolve("data");
        Files.writeString(data, present, StandardCharsets.US_ASCII);
        return new Arrival(DIGEST, BODY.length(), data, System.nanoTime() - TimeUnit.SECONDS.toNanos(10));
    }

    private static void get(EmbeddedChannel ch, String range) {
        String raw = "GET /v2/a/blobs/" + DIGEST + "?ns=docker.io HTTP/1.1\r\nHost: t\r\nX-Spegel-Mirrored: true\r\n"
                + (range == null ? "" : "Range: " + range + "\r\n") + "\r\n";
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    private static String drain(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            if (o instanceof FileRegion r) {
                sb.append(transfer(r)); // an arriving body leaves by sendfile
                continue;
            }
            ByteBuf b = (ByteBuf) o;
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    private static String transfer(FileRegion r) {
        var out = new java.io.ByteArrayOutputStream();
        try (var sink = java.nio.channels.Channels.newChannel(out)) {
            while (r.transferred() < r.count()) {
                r.transferTo(sink, r.transferred());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            r.release();
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static void tick(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    @Test
    void theBodyFollowsTheFileAsItGrowsAndEndsAtTheExpectedSize() throws Exception {
        Arrival a = arrival("01234");
        fetches.fetching(DIGEST);
        EmbeddedChannel ch = channel(arriving(a), 0);
        get(ch, null);
        String first = drain(ch);
        assertThat(first)
                .startsWith("HTTP/1.1 200 OK\r\n")
                .contains("content-length: 16")
                .contains("01234")
                .contains("Docker-Content-Digest: " + DIGEST);
        Files.writeString(a.data(), "56789abcdef", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        tick(ch, 20);
        assertThat(first + drain(ch)).endsWith(BODY);
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void theArrivedBytesLeaveAsFileRegionsNotCopiedBuffers() throws Exception {
        Arrival a = arrival("01234");
        fetches.fetching(DIGEST);
        EmbeddedChannel ch = channel(arriving(a), 0);
        get(ch, null);
        ch.readOutbound(); // the head
        Object body = ch.readOutbound();
        assertThat(body).isInstanceOf(FileRegion.class);
        assertThat(transfer((FileRegion) body)).isEqualTo("01234");
        Files.writeString(a.data(), "56789abcdef", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        tick(ch, 20);
        Object rest = ch.readOutbound();
        assertThat(rest).isInstanceOf(FileRegion.class);
        assertThat(transfer((FileRegion) rest)).isEqualTo("56789abcdef");
        assertThat(drain(ch)).isEmpty(); // the empty last content
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void aFileThatShrinksEndsTheStreamShort() throws Exception {
        Arrival a = arrival("01234567");
        fetches.fetching(DIGEST);
        EmbeddedChannel ch = channel(arriving(a), 0);
        get(ch, null);
        assertThat(drain(ch)).endsWith("01234567");
        Files.writeString(a.data(), "01", StandardCharsets.US_ASCII); // containerd restarts the ingest
        tick(ch, 20);
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void aRangeStartsAtItsOffsetEvenBeyondWhatHasArrived() throws Exception {
        Arrival a = arrival("0123");
        EmbeddedChannel ch = channel(arriving(a), 0);
        get(ch, "bytes=10-");
        assertThat(drain(ch))
                .startsWith("HTTP/1.1 206 Partial Content\r\n")
                .contains("content-range: bytes 10-15/16")
                .endsWith("\r\n\r\n");
        Files.writeString(a.data(), "456789abcdef", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        tick(ch, 20);
        assertThat(drain(ch)).isEqualTo("abcdef");
    }

    @Test
    void aFileThatStopsGrowingEndsTheStreamShort() throws Exception {
        EmbeddedChannel ch = channel(arriving(arrival("01234")), 0, Duration.ofMillis(300));
        long start = System.nanoTime();
        get(ch, null);
        assertThat(drain(ch)).endsWith("01234");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            tick(ch, 20);
            return !ch.isActive();
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void noByteYetWhileStillDecidingIsA503AndNothingArrivingIsA404() throws Exception {
        fetches.deciding(DIGEST);
        EmbeddedChannel ch = channel(arriving(arrival("")), 0);
        get(ch, null);
        assertThat(drain(ch)).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("retry-after: 1");

        EmbeddedChannel unseen = channel(ArrivingContent.NONE, 0); // deciding, ingest not visible: still "deciding"
        get(unseen, null);
        assertThat(drain(unseen))
                .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .contains(InFlightSharing.STATE_HEADER + ": " + InFlightSharing.DECIDING);

        fetches.forget(DIGEST);
        EmbeddedChannel none = channel(ArrivingContent.NONE, 0);
        get(none, null);
        assertThat(drain(none)).startsWith("HTTP/1.1 404 Not Found\r\n");
    }

    @Test
    void aNodeStillDecidingPromisesNothingEvenWithBytesThere() throws Exception {
        fetches.deciding(DIGEST); // e.g. its own source broke off and it looks for another
        EmbeddedChannel ch = channel(arriving(arrival("01234")), 0);
        get(ch, null);
        assertThat(drain(ch))
                .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .contains(InFlightSharing.STATE_HEADER + ": " + InFlightSharing.DECIDING);
    }

    @Test
    void aStalledIngestRefusesBytesItDoesNotHoldButServesThoseItHolds() throws Exception {
        Arrival a = arrival("01234");
        Files.setLastModifiedTime(
                a.data(), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 10_000));
        fetches.fetching(DIGEST);
        EmbeddedChannel ch = channel(arriving(a), 0); // stall 2 s: stalled after 1 s idle, and the decision is fresh
        get(ch, "bytes=5-");
        assertThat(drain(ch)).startsWith("HTTP/1.1 206 Partial Content\r\n");

        fetches.deciding(DIGEST);
        fetches.forget(DIGEST); // no decision known any more: only the file's age counts
        EmbeddedChannel stalled = channel(arriving(a), 0);
        get(stalled, "bytes=5-");
        assertThat(drain(stalled))
                .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .contains(InFlightSharing.STATE_HEADER + ": " + InFlightSharing.STALLED);
        EmbeddedChannel prefix = channel(arriving(a), 0);
        get(prefix, "bytes=1-");
        assertThat(drain(prefix)).startsWith("HTTP/1.1 206 Partial Content\r\n").endsWith("1234");
    }

    @Test
    void uploadsBeyondTheLimitAreRefusedAtOnceAndASlotFreesWhenAnUploadEnds() throws Exception {
        Arrival a = arrival("01234");
        fetches.fetching(DIGEST);
        ArrivingContent arrivals = arriving(a);
        var sharing =
                new InFlightSharing(arrivals, fetches, d -> {}, Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO);
        RegistryHandler shared = new RegistryHandler(new RegistryHandler.Config(
                new FakeContentStore(null),
                null,
                NotFoundMissHandler.INSTANCE,
                new DistributionPathParser("docker.io"),
                List.of(),
                null,
                Readiness.ROUTER,
                null,
                null,
                sharing,
                1,
                null,
                null,
                null));
        EmbeddedChannel one = new EmbeddedChannel(
                new HttpServerCodec(), new HttpExchangeHandler(null), new ChunkedWriteHandler(), shared);
        EmbeddedChannel two = new EmbeddedChannel(
                new HttpServerCodec(), new HttpExchangeHandler(null), new ChunkedWriteHandler(), shared);
        one.freezeTime();
        get(one, null);
        assertThat(drain(one)).startsWith("HTTP/1.1 200 OK\r\n");
        get(two, null);
        assertThat(drain(two)).startsWith("HTTP/1.1 503 Service Unavailable\r\n");

        Files.writeString(a.data(), "56789abcdef", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        tick(one, 20);
        assertThat(drain(one)).endsWith("abcdef");
        get(two, null);
        assertThat(drain(two)).startsWith("HTTP/1.1 200 OK\r\n").endsWith(BODY);
    }
}

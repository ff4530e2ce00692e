package dev.speglar.registry.inflight;

import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.ByteRange;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.InvalidRangeException;
import dev.speglar.registry.OciErrors;
import dev.speglar.store.Arrival;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a peer's request for a blob this node is still receiving: a normal 200/206 with the final size, whose body
 * follows the growing file and ends at that size. The receiver verifies the digest as for complete content. A node
 * that holds no byte yet and is still deciding where to fetch from answers 503 at once (it could otherwise end up
 * waiting on the peer it promised), and one whose ingest stopped growing answers 503 for bytes it does not hold (its
 * source failed); a node with nothing arriving answers 404.
 */
public final class ArrivalResponder {
    private static final Logger LOG = LoggerFactory.getLogger(ArrivalResponder.class);
    /** How often a paused stream looks whether the file grew. */
    private static final long POLL_MILLIS = 10;
    /** An ingest without a local decision this young belongs to a pull about to ask this node's mirror. */
    private static final long UNDECIDED_GRACE_NANOS = Duration.ofSeconds(1).toNanos();

    private final InFlightSharing sharing;

    public ArrivalResponder(InFlightSharing sharing) {
        this.sharing = sharing;
    }

    /** True if it answered; false if nothing arrives for the request's digest (the caller answers 404). */
    public boolean serve(ChannelHandlerContext ctx, DistributionRequest req, boolean keepAlive) {
        if (sharing.fetches().isDeciding(req.digest())) {
            // Whatever its ingest holds: growth depends on a decision that may wait on the asker.
            OciErrors.send(ctx, busy(InFlightSharing.DECIDING, "its source is not decided yet"), keepAlive);
            return true;
        }
        Optional<Arrival> found = sharing.arrivals().find(req.digest());
        if (found.isEmpty()) {
            return false;
        }
        Arrival a = found.get();
        long size = a.size();
        if (undecided(a, size)) {
            OciErrors.send(ctx, busy(InFlightSharing.DECIDING, "its source is not decided yet"), keepAlive);
            return true;
        }
        long first = 0;
        long last = a.total() - 1;
        if (req.range().isPresent()) {
            try {
                ByteRange.Resolved r = req.range().get().resolve(a.total());
                first = r.first();
                last = r.last();
            } catch (InvalidRangeException e) {
                var refused = OciErrors.response(
                        HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        OciErrors.RANGE_INVALID,
                        e.getMessage(),
                        null,
                        req.head());
                refused.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + a.total());
                OciErrors.send(ctx, refused, keepAlive);
                return true;
            }
        }
        if (first >= size && stalled(a)) {
            OciErrors.send(ctx, busy(InFlightSharing.STALLED, "it stopped growing"), keepAlive);
            return true;
        }
        HttpResponseStatus status =
                req.range().isPresent() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK;
        if (req.head()) {
            var head = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
            headers(head.headers(), a, first, last, req.range().isPresent());
            OciErrors.send(ctx, head, keepAlive);
            return true;
        }
        FileChannel file;
        try {
            file = FileChannel.open(a.data(), StandardOpenOption.READ);
        } catch (IOException e) {
            return false; // committed or removed in between: a retry finds the complete blob or nothing
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        headers(head.headers(), a, first, last, req.range().isPresent());
        HttpUtil.setKeepAlive(head, keepAlive);
        LOG.debug("serving arriving {} from {} ({} of {} bytes there)", req.digest(), first, a.size(), a.total());
        ctx.write(head);
        ChannelFuture done = ctx.pipeline().get(SslHandler.class) == null
                ? GrowingFileStream.start(
                        ctx, file, first, last + 1, sharing.stall().toNanos(), POLL_MILLIS)
                : chunked(ctx, file, first, last + 1);
        done.addListener(f -> {
            if (!f.isSuccess()) {
                // An asker that took another peer's offer closes this stream at once: routine, so not at info.
                boolean askerLeft = !ctx.channel().isActive();
                String why = f.cause() == null ? "closed" : f.cause().toString();
                if (askerLeft) {
                    LOG.debug("stream of arriving {} ended early, the asker left: {}", req.digest(), why);
                } else {
                    LOG.info("stream of arriving {} ended early: {}", req.digest(), why);
                }
            }
        });
        done.addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
        return true;
    }

    /** Through TLS, no sendfile: the file is read in chunks, and a poll resumes the paused chunked writer. */
    private ChannelFuture chunked(ChannelHandlerContext ctx, FileChannel file, long start, long end) {
        var done = ctx.writeAndFlush(new HttpChunkedInput(dev.speglar.registry.http.YieldingChunks.of(
                ctx, new GrowingFileInput(file, start, end, sharing.stall().toNanos()))));
        ScheduledFuture<?> poll = ctx.executor()
                .scheduleAtFixedRate(
                        () -> {
                            ChunkedWriteHandler chunked = ctx.pipeline().get(ChunkedWriteHandler.class);
                            if (chunked != null) {
                                chunked.resumeTransfer();
                            }
                        },
                        POLL_MILLIS,
                        POLL_MILLIS,
                        TimeUnit.MILLISECONDS);
        done.addListener(f -> poll.cancel(false));
        return done;
    }

    /** A fresh ingest with no byte and no decision yet: the pull is about to ask this node's mirror. */
    private boolean undecided(Arrival a, long size) {
        return size == 0
                && !sharing.fetches().isKnown(a.digest())
                && System.nanoTime() - a.startedNanos() < UNDECIDED_GRACE_NANOS;
    }

    /**
     * Neither the file nor the decision moved for half the stall bound: its source failed (the serving node's own pull
     * died, or what it follows stalled), so an asker would only wait for a stream that ends empty.
     */
    private boolean stalled(Arrival a) {
        long idle;
        try {
            idle = (System.currentTimeMillis()
                            - Files.getLastModifiedTime(a.data()).toMillis())
                    * 1_000_000L;
        } catch (IOException e) {
            return false; // committed in between: the stream reads the renamed file to its end
        }
        OptionalLong decided = sharing.fetches().fetchingForNanos(a.digest());
        if (decided.isPresent()) {
            idle = Math.min(idle, decided.getAsLong());
        }
        return idle > sharing.stalledAfter().toNanos();
    }

    private static io.netty.handler.codec.http.FullHttpResponse busy(String state, String why) {
        var r = OciErrors.response(
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                OciErrors.TOO_MANY_REQUESTS,
                "blob is arriving but " + why,
                null,
                false);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        r.headers().set(InFlightSharing.STATE_HEADER, state);
        return r;
    }

    private static void headers(HttpHeaders h, Arrival a, long first, long last, boolean ranged) {
        h.set(HttpHeaderNames.CONTENT_TYPE, MediaTypes.OCTET_STREAM)
                .set(HttpHeaderNames.CONTENT_LENGTH, last - first + 1)
                .set("Docker-Content-Digest", a.digest().toString())
                .set(HttpHeaderNames.ACCEPT_RANGES, "bytes")
                .set(InFlightSharing.ARRIVED_HEADER, a.size());
        if (ranged) {
            h.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + a.total());
        }
    }
}

package dev.speglar.registry.mirror;

import dev.speglar.oci.Digest;
import dev.speglar.oci.hashing.Digests;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Streams a blob window {@code [first, last]} to the client from a succession of peer bodies ("legs"): when a leg
 * breaks, the next one starts where the client stands, so the client sees one continuous body. When the window is
 * the whole blob its bytes are hashed on the way, and the final bytes are only released once the digest matched:
 * on a mismatch the connection is cut short, so the client never holds a complete, wrong blob.
 * Confined to the client connection's event loop (peer connections share it).
 */
final class BlobRelay {
    private final ChannelHandlerContext ctx;
    private final io.netty.channel.EventLoop loop;
    private final Digest expected;
    private final long last;
    private final boolean keepAlive;
    private final Consumer<MirrorEvent> post;
    private final BlobHasher hasher;
    private final Set<PeerTarget> contributors = new LinkedHashSet<>();
    private long position;
    private boolean finished;
    private ChannelFuture lastWrite;
    private Leg current;

    /**
     * Client-side write buffer while relaying: with Netty's default 64 KiB high-water mark the relay would stop the
     * peer after every read and wait for the client to drain completely, leaving both sockets idle half the time.
     */
    static final boolean INLINE_HASH = Boolean.getBoolean("speglar.mirror.inlineHash");

    static final WriteBufferWaterMark RELAY_WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);

    /** @param loop the loop of every peer exchange for this client connection; the relay is confined to it */
    BlobRelay(
            ChannelHandlerContext ctx,
            io.netty.channel.EventLoop loop,
            Digest expected,
            long first,
            long last,
            boolean verify,
            boolean keepAlive,
            Consumer<MirrorEvent> post) {
        ctx.channel().config().setWriteBufferWaterMark(RELAY_WATER_MARK);
        this.ctx = ctx;
        this.loop = loop;
        this.expected = expected;
        this.position = first;
        this.last = last;
        this.keepAlive = keepAlive;
        this.post = post;
        try {
            this.hasher = verify ? new BlobHasher(Digests.newDigest(expected.jcaAlgorithm()), INLINE_HASH) : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Continues the body from {@code ex}, whose body starts at absolute offset {@code head.start()}. */
    void follow(PeerExchange ex, PeerHead head) {
        ex.loop().execute(() -> {
            contributors.add(ex.target);
            current = new Leg(ex, head);
            if (head.start() > position) {
                post.accept(
                        new MirrorEvent.StreamBroken(position, new IOException("peer body starts past " + position)));
                current = null;
                return;
            }
            ex.attach(current);
        });
    }

    /** Stops hashing; call when the transfer ends for any reason (idempotent, harmless after success). */
    void close() {
        if (hasher != null) {
            try {
                loop.execute(hasher::abort);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                hasher.abort(); // the loop is gone, nobody adds any more
            }
        }
    }

    /** Peers whose bytes went into the body so far. */
    Set<PeerTarget> contributors() {
        return contributors;
    }

    private final class Leg implements BodySink {
        private final PeerExchange ex;
        private final long peerEnd;
        private long offset;

        Leg(PeerExchange ex, PeerHead head) {
            this.ex = ex;
            this.offset = head.start();
            this.peerEnd = head.start() + head.length();
        }

        private boolean active() {
            return current == this && !finished;
        }

        @Override
        public void onData(ByteBuf buf) {
            long bufStart = offset;
            offset += buf.readableBytes();
            if (!active()) {
                buf.release();
                return;
            }
            long from = Math.max(bufStart, position);
            long to = Math.min(offset - 1, last);
            if (from > to) {
                buf.release();
                return;
            }
            ByteBuf slice = buf.retainedSlice(buf.readerIndex() + (int) (from - bufStart), (int) (to - from + 1));
            buf.release();
            if (hasher != null) {
                hasher.add(slice.retainedDuplicate());
            }
            position = to + 1;
            if (position <= last) {
                lastWrite = ctx.write(new DefaultHttpContent(slice));
                return;
            }
            complete(slice);
            if (peerEnd > position) {
                ex.cancel(); // the peer would send more than the window: no reason to read it
            }
        }

        private void complete(ByteBuf finalBytes) {
            finished = true;
            if (hasher == null) {
                release(finalBytes);
                return;
            }
            // The last bytes wait for the verdict: a client holding a complete body would commit it.
            hasher.finish()
                    .whenComplete((digest, error) -> ex.loop().execute(() -> {
                        if (error != null) {
                            finalBytes.release(); // aborted: the request is over already
                        } else if (HexFormat.of().formatHex(digest).equals(expected.hex())) {
                            release(finalBytes);
                        } else {
                            finalBytes.release();
                            // Reported before closing: the close would otherwise be seen first, as the client leaving.
                            post.accept(new MirrorEvent.IntegrityFailed(
                                    "blob from " + contributors + " hashes to " + expected.algorithm() + ":"
                                            + HexFormat.of().formatHex(digest) + ", not " + expected));
                            ctx.channel().close(); // cut short: the client must not receive a complete, wrong blob
                        }
                    }));
        }

        private void release(ByteBuf finalBytes) {
            ctx.write(new DefaultHttpContent(finalBytes));
            lastWrite = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            // Posted before the close below: a small body's write completes at once, and the close would then reach the
            // request as "client gone" first (Connection: close clients, e.g. skopeo, were counted as misses).
            post.accept(new MirrorEvent.StreamEnded());
            if (!keepAlive) {
                lastWrite.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void onBatchEnd(Runnable resume) {
            if (active()) {
                ctx.flush();
                gate(resume);
            }
        }

        /** Reads on only while the client keeps up and the hasher is not too far behind. */
        private void gate(Runnable resume) {
            if (!active()) {
                return;
            }
            if (hasher != null && hasher.saturated()) {
                hasher.whenDrained(() -> ex.loop().execute(() -> gate(resume)));
            } else if (!ctx.channel().isWritable() && lastWrite != null) {
                lastWrite.addListener(f -> {
                    if (f.isSuccess()) {
                        gate(resume);
                    }
                });
            } else {
                resume.run();
            }
        }

        @Override
        public void onEnd() {
            if (active()) {
                current = null;
                post.accept(new MirrorEvent.StreamBroken(position, new IOException("peer body ended at " + offset)));
            }
        }

        @Override
        public void onError(Throwable cause) {
            if (active()) {
                current = null;
                post.accept(new MirrorEvent.StreamBroken(position, cause));
            }
        }
    }
}

package dev.speglar.registry.inflight;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;

/**
 * The bytes {@code [start, end)} of a file that is still being written, sent with sendfile: each step writes what the
 * file holds beyond the position as one file region, the next step starts when the socket took it, and a step that
 * finds nothing new looks again after a short poll. The bytes never pass through user space (the chunked copy this
 * replaces read every byte into a buffer first). A file that does not grow for the stall bound fails the stream,
 * which closes the connection: the peer sees a short body and resumes elsewhere; so does a file that shrinks
 * (containerd restarting the ingest). Confined to the channel's event loop.
 */
final class GrowingFileStream {
    /** Largest region per write: the socket takes it in pieces anyway, this only bounds one step. */
    private static final long MAX_REGION = 8L << 20;

    private final ChannelHandlerContext ctx;
    private final SharedFile file;
    private final long end;
    private final ArrivingSize arriving;
    private final long pollMillis;
    private final ChannelPromise done;
    private long position;
    private boolean released;

    private GrowingFileStream(
            ChannelHandlerContext ctx, FileChannel file, long start, long end, long stallNanos, long pollMillis) {
        this.ctx = ctx;
        this.file = new SharedFile(file);
        this.position = start;
        this.end = end;
        this.arriving = new ArrivingSize(file, stallNanos);
        this.pollMillis = pollMillis;
        this.done = ctx.newPromise();
    }

    /**
     * Starts streaming after the response head (already written) and returns the future of the whole body, the last
     * content included. Owns {@code file} from now on and closes it once every region is released.
     */
    static ChannelFuture start(
            ChannelHandlerContext ctx, FileChannel file, long start, long end, long stallNanos, long pollMillis) {
        GrowingFileStream s = new GrowingFileStream(ctx, file, start, end, stallNanos, pollMillis);
        s.step();
        return s.done;
    }

    private void step() {
        if (done.isDone()) {
            return;
        }
        if (!ctx.channel().isActive()) {
            fail(new ClosedChannelException());
            return;
        }
        if (position >= end) {
            releaseFile();
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
                if (f.isSuccess()) {
                    done.trySuccess();
                } else {
                    done.tryFailure(f.cause());
                }
            });
            return;
        }
        long available;
        try {
            available = arriving.available(position, end);
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (available == 0) {
            ctx.flush(); // the response head, written but not flushed, tells the peer its stream is coming
            ctx.executor().schedule(this::step, pollMillis, TimeUnit.MILLISECONDS);
            return;
        }
        long n = Math.min(available, MAX_REGION);
        file.retain();
        var region = new DefaultFileRegion(file.channel, position, n) {
            @Override
            protected void deallocate() {
                file.release(); // the channel is shared by every region of this stream
            }
        };
        position += n;
        ctx.writeAndFlush(region).addListener(f -> {
            if (f.isSuccess()) {
                step();
            } else {
                fail(f.cause());
            }
        });
    }

    private void fail(Throwable cause) {
        done.tryFailure(cause);
        releaseFile();
    }

    private void releaseFile() {
        if (!released) {
            released = true;
            file.release();
        }
    }

    /** The file channel, closed when the stream and every region written from it are done with it. */
    private static final class SharedFile extends AbstractReferenceCounted {
        final FileChannel channel;

        SharedFile(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        protected void deallocate() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }

        @Override
        public ReferenceCounted touch(Object hint) {
            return this;
        }
    }
}

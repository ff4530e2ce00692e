package dev.speglar.registry.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * A chunked body that hands the event loop back every {@link #BUDGET} bytes. Netty's {@link ChunkedWriteHandler}
 * writes chunk after chunk for as long as the channel stays writable, and a client that reads as fast as the loop
 * writes (loopback, a fast LAN) keeps it writable: one TLS, in-flight or containerd-API blob then held its loop until
 * the last byte, and every other connection on that loop — probes, manifests, other blobs — waited (seconds for
 * {@code /livez}). Here the input answers "not now" once the budget is spent and resumes after the loop has served
 * the other sockets once.
 */
public final class YieldingChunks implements ChunkedInput<ByteBuf> {
    /** Bytes written per turn of the loop: large enough that the extra task costs nothing, small enough to be fair. */
    static final int BUDGET = 512 << 10;

    private final ChannelHandlerContext ctx;
    private final ChunkedInput<ByteBuf> input;
    private int sinceYield;
    private boolean yielding;

    private YieldingChunks(ChannelHandlerContext ctx, ChunkedInput<ByteBuf> input) {
        this.ctx = ctx;
        this.input = input;
    }

    /** Wraps {@code input}, written on {@code ctx}'s channel through its pipeline's ChunkedWriteHandler. */
    public static ChunkedInput<ByteBuf> of(ChannelHandlerContext ctx, ChunkedInput<ByteBuf> input) {
        return new YieldingChunks(ctx, input);
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (sinceYield >= BUDGET) {
            if (!yielding) {
                yielding = true;
                // Scheduled, not executed: the loop takes scheduled tasks only after its next look at the sockets.
                ctx.executor().schedule(this::resume, 0, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            return null;
        }
        ByteBuf chunk = input.readChunk(allocator);
        if (chunk != null) {
            sinceYield += chunk.readableBytes();
        }
        return chunk;
    }

    private void resume() {
        sinceYield = 0;
        yielding = false;
        ChunkedWriteHandler chunked = ctx.pipeline().get(ChunkedWriteHandler.class);
        if (chunked != null) {
            chunked.resumeTransfer();
        }
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ignored) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public boolean isEndOfInput() throws Exception {
        return input.isEndOfInput();
    }

    @Override
    public void close() throws Exception {
        input.close();
    }

    @Override
    public long length() {
        return input.length();
    }

    @Override
    public long progress() {
        return input.progress();
    }
}

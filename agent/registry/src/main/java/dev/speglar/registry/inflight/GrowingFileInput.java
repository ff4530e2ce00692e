package dev.speglar.registry.inflight;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The bytes {@code [start, end)} of a file that is still being written: each chunk is what the file holds beyond the
 * position, and when it holds nothing more yet the input answers "not now" (null) so the chunked writer pauses until
 * resumed. A file that shrinks or does not grow for the stall bound ends the input with an error ({@link
 * ArrivingSize}), which closes the connection: the peer sees a short body and resumes elsewhere. Confined to one event
 * loop.
 */
final class GrowingFileInput implements ChunkedInput<ByteBuf> {
    private static final int CHUNK = 64 * 1024;

    private final FileChannel file;
    private final long start;
    private final long end;
    private final ArrivingSize arriving;
    private long position;

    GrowingFileInput(FileChannel file, long start, long end, long stallNanos) {
        this.file = file;
        this.start = start;
        this.end = end;
        this.position = start;
        this.arriving = new ArrivingSize(file, stallNanos);
    }

    @Override
    public boolean isEndOfInput() {
        return position >= end;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (position >= end) {
            return null;
        }
        long available = arriving.available(position, end);
        if (available == 0) {
            return null;
        }
        int n = (int) Math.min(available, CHUNK);
        ByteBuf buf = allocator.buffer(n);
        try {
            while (buf.writerIndex() < n) {
                if (buf.writeBytes(file, position + buf.writerIndex(), n - buf.writerIndex()) <= 0) {
                    break; // the file shrank since its size was read: the next chunk's size check ends the input
                }
            }
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
        if (buf.writerIndex() == 0) {
            buf.release();
            return null;
        }
        position += buf.writerIndex();
        return buf;
    }

    @Override
    public long length() {
        return end - start;
    }

    @Override
    public long progress() {
        return position - start;
    }
}

package dev.speglar.registry.http;

import dev.speglar.store.Blob;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Streams a blob after its response head: sendfile from the blob's file when the store has one, else a chunked copy
 * of {@link Blob#openStream}. The source is opened before anything is written, so a vanished blob can still be
 * answered with a clean 404 by the caller.
 */
final class BodyWriter {
    private static final int CHUNK = 64 * 1024;

    private BodyWriter() {}

    /** Opens the byte source for {@code [offset, offset+length)}; throws if the blob is gone. */
    static Source open(Blob blob, long offset, long length) throws IOException {
        Optional<Path> file = blob.file();
        if (file.isPresent()) {
            return new Source(FileChannel.open(file.get(), StandardOpenOption.READ), null, offset, length);
        }
        return new Source(null, blob.openStream(offset), offset, length);
    }

    /** An opened byte source; exactly one of {@code channel} and {@code stream} is set. */
    record Source(FileChannel channel, InputStream stream, long offset, long length) {
        void closeQuietly() {
            try {
                if (channel != null) {
                    channel.close();
                } else {
                    stream.close();
                }
            } catch (IOException ignored) {
                // nothing was written from it
            }
        }
    }

    /** Writes head and body and flushes; closes the connection afterwards unless keep-alive, or on any failure. */
    static void write(ChannelHandlerContext ctx, HttpResponse head, Source source, boolean keepAlive) {
        HttpUtil.setKeepAlive(head, keepAlive);
        ctx.write(head);
        ChannelFuture last;
        if (source.length() == 0) {
            source.closeQuietly();
            last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (source.channel() != null && ctx.pipeline().get(SslHandler.class) != null) {
            // No sendfile through TLS: the file is read in chunks and encrypted.
            try {
                last = ctx.writeAndFlush(new HttpChunkedInput(YieldingChunks.of(
                        ctx, new ChunkedNioFile(source.channel(), source.offset(), source.length(), CHUNK))));
            } catch (java.io.IOException e) {
                source.closeQuietly();
                ctx.close();
                return;
            }
        } else if (source.channel() != null) {
            // DefaultFileRegion closes the FileChannel once transferred or released.
            ctx.write(new DefaultFileRegion(source.channel(), source.offset(), source.length()))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            InputStream bounded = new BoundedInputStream(source.stream(), source.length());
            last = ctx.writeAndFlush(new HttpChunkedInput(YieldingChunks.of(ctx, new ChunkedStream(bounded, CHUNK))));
        }
        last.addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }
}

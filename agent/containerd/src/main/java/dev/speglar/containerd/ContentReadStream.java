package dev.speglar.containerd;

import com.google.protobuf.ByteString;
import dev.speglar.containerd.api.content.ReadContentResponse;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Objects;

/** Adapts containerd's server stream of content chunks to an InputStream; closing it cancels the call. */
final class ContentReadStream extends InputStream {
    private final Iterator<ReadContentResponse> it;
    private final Context.CancellableContext ctx;
    private ByteString chunk = ByteString.EMPTY;
    private int pos;
    private boolean closed;

    ContentReadStream(Iterator<ReadContentResponse> it, Context.CancellableContext ctx) {
        this.it = it;
        this.ctx = ctx;
    }

    private boolean fill() throws IOException {
        while (pos >= chunk.size()) {
            try {
                if (closed || !it.hasNext()) {
                    return false;
                }
                chunk = it.next().getData();
                pos = 0;
            } catch (StatusRuntimeException e) {
                throw ContainerdException.of("read content", e);
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? chunk.byteAt(pos++) & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, chunk.size() - pos);
        chunk.copyTo(b, pos, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        ctx.cancel(null);
    }
}

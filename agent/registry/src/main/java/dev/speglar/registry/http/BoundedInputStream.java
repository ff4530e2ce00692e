package dev.speglar.registry.http;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Yields exactly {@code length} bytes of the underlying stream. Ending early is an error: the response already
 * promised {@code Content-Length} bytes, so a short body must break the connection rather than end quietly.
 */
final class BoundedInputStream extends FilterInputStream {
    private long remaining;

    BoundedInputStream(InputStream in, long length) {
        super(in);
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw new EOFException("content ended " + remaining + " bytes early");
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(buf, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("content ended " + remaining + " bytes early");
        }
        remaining -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remaining);
    }

    @Override
    public long skip(long n) throws IOException {
        long s = in.skip(Math.min(n, remaining));
        remaining -= s;
        return s;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}

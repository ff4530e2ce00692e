package dev.speglar.p2p.yamux;

import dev.speglar.p2p.P2pProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * One yamux stream with per-direction flow control. All state is confined to the session's event loop; the
 * public operations hop onto it, so they may be called from any thread.
 */
public final class YamuxStream {
    static final int MAX_FRAME = 64 * 1024;

    private final YamuxSession session;
    private final int id;
    private StreamHandler handler;
    private long sendWindow = YamuxSession.INITIAL_WINDOW;
    private long recvWindow = YamuxSession.INITIAL_WINDOW;
    private long consumed;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private boolean finAfterFlush;
    private boolean localClosed;
    private boolean remoteClosed;
    private boolean reset;
    private int pendingFlags;

    YamuxStream(YamuxSession session, int id, StreamHandler handler, int initialFlags) {
        this.session = session;
        this.id = id;
        this.handler = handler;
        this.pendingFlags = initialFlags;
    }

    public int id() {
        return id;
    }

    public YamuxSession session() {
        return session;
    }

    /** Swaps the handler (after multistream negotiation) and calls its onOpen. */
    public void handler(StreamHandler h) {
        this.handler = h;
        h.onOpen(this);
    }

    public boolean isOpen() {
        return !reset && !(localClosed && remoteClosed);
    }

    public void write(ByteBuf data) {
        session.inLoop(() -> {
            if (localClosed || reset || finAfterFlush) {
                data.release();
                return;
            }
            pending.add(data);
            flush();
        });
    }

    public void write(byte[] data) {
        write(io.netty.buffer.Unpooled.wrappedBuffer(data));
    }

    /** Half-close: FIN after all queued data is sent. */
    public void closeWrite() {
        session.inLoop(() -> {
            if (localClosed || reset) {
                return;
            }
            finAfterFlush = true;
            flush();
        });
    }

    public void reset() {
        session.inLoop(() -> {
            if (reset || (localClosed && remoteClosed)) {
                return;
            }
            session.send(YamuxFrame.control(YamuxFrame.WINDOW_UPDATE, YamuxFrame.RST | takeFlags(), id, 0));
            terminate(new P2pProtocolException("stream reset locally"));
        });
    }

    private int takeFlags() {
        int f = pendingFlags;
        pendingFlags = 0;
        return f;
    }

    /** Sends the pending SYN/ACK if no data frame carried it yet. */
    void sendFlagsNow() {
        if (pendingFlags != 0) {
            session.send(YamuxFrame.control(YamuxFrame.WINDOW_UPDATE, takeFlags(), id, 0));
        }
    }

    private void flush() {
        while (!pending.isEmpty() && sendWindow > 0) {
            ByteBuf head = pending.peek();
            int n = (int) Math.min(Math.min(head.readableBytes(), sendWindow), MAX_FRAME);
            ByteBuf chunk = head.readRetainedSlice(n);
            if (!head.isReadable()) {
                pending.poll().release();
            }
            sendWindow -= n;
            session.send(YamuxFrame.data(takeFlags(), id, chunk));
        }
        if (pending.isEmpty() && finAfterFlush && !localClosed) {
            localClosed = true;
            session.send(YamuxFrame.control(YamuxFrame.WINDOW_UPDATE, YamuxFrame.FIN | takeFlags(), id, 0));
            maybeRemove();
        }
        session.flush();
    }

    void onWindowUpdate(long delta) {
        sendWindow += delta;
        flush();
    }

    void onData(ByteBuf data) {
        int n = data.readableBytes();
        try {
            if (n > recvWindow) {
                throw new P2pProtocolException("peer exceeded the yamux receive window on stream " + id);
            }
            recvWindow -= n;
            if (remoteClosed || reset) {
                return;
            }
            try {
                handler.onData(this, data);
            } catch (RuntimeException e) {
                // A handler that chokes on its protocol's bytes costs only its stream, not the connection.
                reset();
                terminate(e);
                return;
            }
        } finally {
            data.release();
        }
        consumed += n;
        // Grant credit back once half the window is used, like go and js.
        if (consumed >= YamuxSession.INITIAL_WINDOW / 2 && !reset) {
            recvWindow += consumed;
            session.send(YamuxFrame.control(YamuxFrame.WINDOW_UPDATE, takeFlags(), id, consumed));
            session.flush();
            consumed = 0;
        }
    }

    void onRemoteFin() {
        if (remoteClosed || reset) {
            return;
        }
        remoteClosed = true;
        handler.onRemoteClose(this);
        maybeRemove();
    }

    void onRemoteReset() {
        terminate(new P2pProtocolException("stream reset by peer"));
    }

    /** Connection died or the stream was reset: release everything and tell the handler once. */
    void terminate(Throwable cause) {
        if (reset) {
            return;
        }
        reset = true;
        pending.forEach(ByteBuf::release);
        pending.clear();
        session.remove(id);
        handler.onReset(this, cause);
    }

    private void maybeRemove() {
        if (localClosed && remoteClosed) {
            session.remove(id);
        }
    }
}

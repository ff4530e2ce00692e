package dev.speglar.p2p.yamux;

import dev.speglar.p2p.P2pProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The yamux session state machine: stream table, id parity, PING answers, GO_AWAY and the accept backlog.
 * Receives {@link YamuxFrame}s from {@link YamuxFrameCodec}; owns no socket logic beyond writing frames.
 */
public final class YamuxSession extends ChannelInboundHandlerAdapter {
    public static final int INITIAL_WINDOW = 256 * 1024;
    /** Like go-yamux's MaxIncomingStreams: more concurrent inbound streams than this are refused with RST. */
    public static final int MAX_INBOUND_STREAMS = 1000;

    private final boolean client;
    private final Consumer<YamuxStream> acceptor;
    private final Map<Integer, YamuxStream> streams = new HashMap<>();
    private ChannelHandlerContext ctx;
    private int nextId;
    private int inbound;
    private volatile boolean goAway;
    private final Map<Long, CompletableFuture<Void>> pings = new HashMap<>();
    private long nextPing = 1;
    private volatile long lastStreamChange = System.nanoTime();
    private volatile long lastRead = System.nanoTime();

    /**
     * @param client true on the dialing side (opens odd ids)
     * @param acceptor receives each new inbound stream; it must attach a handler with {@link YamuxStream#handler}
     */
    public YamuxSession(boolean client, Consumer<YamuxStream> acceptor) {
        this.client = client;
        this.acceptor = acceptor;
        this.nextId = client ? 1 : 2;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void inLoop(Runnable r) {
        if (ctx.executor().inEventLoop()) {
            r.run();
        } else {
            ctx.executor().execute(r);
        }
    }

    void send(YamuxFrame f) {
        ctx.write(f);
    }

    void flush() {
        ctx.flush();
    }

    void remove(int id) {
        lastStreamChange = System.nanoTime();
        YamuxStream s = streams.remove(id);
        if (s != null && (id & 1) != (client ? 1 : 0)) {
            inbound--;
        }
    }

    /** True after either side sent GO_AWAY: no new streams may be opened on this session. */
    public boolean goingAway() {
        return goAway;
    }

    public int streamCount() {
        return streams.size();
    }

    /** How long the session has had no stream opened or closed. */
    public java.time.Duration sinceLastStreamChange() {
        return java.time.Duration.ofNanos(System.nanoTime() - lastStreamChange);
    }

    /** {@link System#nanoTime()} when the last frame of any kind arrived (proof the peer is alive). */
    public long lastReadNanos() {
        return lastRead;
    }

    /** Opens a stream (sending SYN at once); completes exceptionally after GO_AWAY or on a closed channel. */
    public CompletableFuture<YamuxStream> open(StreamHandler handler) {
        CompletableFuture<YamuxStream> f = new CompletableFuture<>();
        inLoop(() -> {
            if (goAway || !ctx.channel().isActive()) {
                f.completeExceptionally(new P2pProtocolException("yamux session is closed"));
                return;
            }
            int id = nextId;
            nextId += 2;
            YamuxStream s = new YamuxStream(this, id, handler, YamuxFrame.SYN);
            streams.put(id, s);
            lastStreamChange = System.nanoTime();
            s.sendFlagsNow();
            s.handler(handler);
            flush();
            f.complete(s);
        });
        return f;
    }

    /** Sends a PING and completes when the ACK arrives. */
    public CompletableFuture<Void> ping() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        inLoop(() -> {
            long opaque = nextPing++ & 0xffffffffL;
            pings.put(opaque, f);
            send(YamuxFrame.control(YamuxFrame.PING, YamuxFrame.SYN, 0, opaque));
            flush();
        });
        return f;
    }

    /** Polite shutdown: GO_AWAY(0), then close the channel. */
    public void goAway() {
        inLoop(() -> {
            goAway = true;
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(YamuxFrame.control(YamuxFrame.GO_AWAY, 0, 0, 0))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        YamuxFrame f = (YamuxFrame) msg;
        lastRead = System.nanoTime();
        switch (f.type()) {
            case YamuxFrame.PING -> onPing(f);
            case YamuxFrame.GO_AWAY -> goAway = true;
            default -> onStreamFrame(f);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    private void onPing(YamuxFrame f) {
        if (f.has(YamuxFrame.SYN)) {
            send(YamuxFrame.control(YamuxFrame.PING, YamuxFrame.ACK, 0, f.length()));
        } else if (f.has(YamuxFrame.ACK)) {
            CompletableFuture<Void> p = pings.remove(f.length());
            if (p != null) {
                p.complete(null);
            }
        }
    }

    private void onStreamFrame(YamuxFrame f) {
        int id = f.streamId();
        YamuxStream s = streams.get(id);
        if (f.has(YamuxFrame.SYN)) {
            if (s != null || id == 0 || (id & 1) == (client ? 1 : 0)) {
                release(f);
                throw new P2pProtocolException("invalid yamux SYN for stream " + id);
            }
            if (goAway || inbound >= MAX_INBOUND_STREAMS) {
                release(f);
                send(YamuxFrame.control(YamuxFrame.WINDOW_UPDATE, YamuxFrame.RST, id, 0));
                return;
            }
            s = new YamuxStream(this, id, null, YamuxFrame.ACK);
            streams.put(id, s);
            lastStreamChange = System.nanoTime();
            inbound++;
            s.sendFlagsNow();
            acceptor.accept(s);
        }
        if (s == null) {
            // Frames for streams we already forgot (e.g. after our RST) are dropped, as go does.
            release(f);
            return;
        }
        if (f.type() == YamuxFrame.WINDOW_UPDATE && !f.has(YamuxFrame.RST)) {
            s.onWindowUpdate(f.length());
        } else if (f.type() == YamuxFrame.DATA) {
            s.onData(f.data());
        }
        if (f.has(YamuxFrame.RST)) {
            s.onRemoteReset();
        } else if (f.has(YamuxFrame.FIN)) {
            s.onRemoteFin();
        }
    }

    private static void release(YamuxFrame f) {
        if (f.data() != null) {
            f.data().release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        P2pProtocolException closed = new P2pProtocolException("connection closed");
        for (YamuxStream s : new ArrayList<>(streams.values())) {
            s.terminate(closed);
        }
        pings.values().forEach(p -> p.completeExceptionally(closed));
        pings.clear();
        ctx.fireChannelInactive();
    }
}

package dev.speglar.registry.mirror;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request to one peer, as a handler on the peer connection. The response head is reported to a {@link Listener};
 * body bytes that arrive before a {@link BodySink} is attached are held (at most one read's worth, since the
 * connection is only read on demand). Everything except {@link #attach} and {@link #cancel} runs on {@link #loop}.
 */
final class PeerExchange extends ChannelInboundHandlerAdapter {

    /** Receives the outcome of the exchange up to its head. */
    interface Listener {
        void onHead(PeerExchange ex);

        void onFailure(PeerExchange ex, Throwable cause);

        /** The connection of a TLS exchange became usable (see {@link #dialing()}). */
        default void onUsable(PeerExchange ex) {}
    }

    private enum State {
        CONNECTING,
        WAITING,
        HEAD,
        BODY,
        DONE,
        CLOSED
    }

    final PeerTarget target;
    final HttpRequest request;
    private final Listener listener;
    private final PeerClient client;
    private final EventLoop loop;
    final Class<? extends Channel> transport;
    private final long stallNanos;
    private final long startNanos = System.nanoTime();
    private volatile long headNanos;
    /**
     * A TLS exchange whose connection is still being made: TCP connect, then the handshake, each bounded by the
     * connect timeout. Read by the race, which does not charge this time against its budget.
     */
    private volatile boolean dialing;
    /** When a TLS exchange's connection became usable, or 0. */
    private volatile long usableNanos;

    private final boolean tls;

    private State state = State.CONNECTING;
    private Channel channel;
    private boolean reused;
    private boolean gotBytes;
    private HttpResponse response;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private boolean endHeld;
    private Throwable failureHeld;
    /** The connection failed after the head, before a sink was attached (read from the race's thread). */
    private volatile boolean brokenAfterHead;

    private BodySink sink;
    private boolean readPending;
    private long lastProgress;
    private ScheduledFuture<?> stallCheck;

    PeerExchange(
            PeerClient client,
            EventLoop loop,
            Class<? extends Channel> transport,
            PeerTarget target,
            HttpRequest request,
            Listener listener,
            long stallNanos,
            boolean tls) {
        this.tls = tls;
        this.dialing = tls;
        this.client = client;
        this.loop = loop;
        this.transport = transport;
        this.target = target;
        this.request = request;
        this.listener = listener;
        this.stallNanos = stallNanos;
    }

    EventLoop loop() {
        return loop;
    }

    /** The response head; valid once {@link Listener#onHead} was called. */
    HttpResponse response() {
        return response;
    }

    /** True once the body broke off while nobody consumed it yet: an offer not worth taking. */
    boolean brokenAfterHead() {
        return brokenAfterHead;
    }

    boolean dialing() {
        return dialing;
    }

    long usableNanos() {
        return usableNanos;
    }

    long startNanos() {
        return startNanos;
    }

    long headLatencyNanos() {
        return headNanos - startNanos;
    }

    /** Sends the request on {@code ch} (fresh or pooled); called by the client on the loop. */
    void send(Channel ch, boolean pooled) {
        if (state == State.CLOSED) {
            client.recycle(ch, target);
            return;
        }
        channel = ch;
        reused = pooled;
        state = State.WAITING;
        ch.pipeline().addLast(PeerClient.EXCHANGE, this);
        if (dialing) {
            // The request waits in the SslHandler until the handshake is done (a pooled connection: done already).
            ch.pipeline()
                    .get(io.netty.handler.ssl.SslHandler.class)
                    .handshakeFuture()
                    .addListener(f -> {
                        dialing = false;
                        if (f.isSuccess()) {
                            usableNanos = System.nanoTime();
                            listener.onUsable(this);
                        } // a failed handshake fails the exchange through exceptionCaught/channelInactive
                    });
        }
        ch.write(request);
        ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
            if (!f.isSuccess()) {
                fail(f.cause());
            }
        });
        ch.read();
    }

    /** Connecting failed on every address. */
    void connectFailed(Throwable cause) {
        if (state == State.CONNECTING) {
            dialing = false;
            state = State.CLOSED;
            listener.onFailure(this, cause);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                fail(o.decoderResult().cause());
                return;
            }
            gotBytes = true;
            if (msg instanceof HttpResponse r && state == State.WAITING) {
                response = r;
                headNanos = System.nanoTime();
                state = State.HEAD;
                listener.onHead(this);
            }
            if (msg instanceof HttpContent c && (state == State.HEAD || state == State.BODY)) {
                lastProgress = System.nanoTime();
                boolean last = c instanceof LastHttpContent;
                ByteBuf data = c.content();
                if (state == State.BODY) {
                    if (data.isReadable()) {
                        sink.onData(data.retain());
                    }
                    if (last) {
                        finish();
                    }
                } else {
                    if (data.isReadable()) {
                        held.add(data.retain());
                    }
                    endHeld |= last;
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.WAITING) {
            ctx.read();
        } else if (state == State.BODY) {
            readPending = false;
            sink.onBatchEnd(this::resume);
        }
    }

    private void resume() {
        if (loop.inEventLoop()) {
            if (state == State.BODY && !readPending) {
                readPending = true;
                lastProgress = System.nanoTime();
                if (channel != null) {
                    channel.read();
                }
            }
        } else {
            loop.execute(this::resume);
        }
    }

    /** Starts delivering the body to {@code s}; bytes held so far come first. */
    void attach(BodySink s) {
        loop.execute(() -> {
            if (state != State.HEAD && (state != State.CLOSED || failureHeld == null)) {
                // Cancelled meanwhile, or a second sink: either way the sink must hear that nothing will come.
                s.onError(new IllegalStateException("peer exchange is " + state));
                return;
            }
            sink = s;
            while (!held.isEmpty()) {
                s.onData(held.poll());
            }
            if (endHeld) {
                finish();
            } else if (failureHeld != null) {
                s.onError(failureHeld);
            } else {
                state = State.BODY;
                stallCheck = loop.scheduleAtFixedRate(
                        this::checkStall, stallNanos / 4, stallNanos / 4, TimeUnit.NANOSECONDS);
                resume();
            }
        });
    }

    private void checkStall() {
        if (state == State.BODY && readPending && System.nanoTime() - lastProgress > stallNanos) {
            fail(new IOException("peer " + target + " stalled"));
        }
    }

    private void finish() {
        state = State.DONE;
        stopStallCheck();
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            if (ch.pipeline().context(this) != null) {
                ch.pipeline().remove(this);
            }
            if (HttpUtil.isKeepAlive(response)) {
                client.recycle(ch, target);
            } else {
                ch.close();
            }
        }
        if (sink != null) {
            sink.onEnd();
        }
    }

    /** Abandons the exchange and its connection; safe from any thread, idempotent. */
    void cancel() {
        if (!loop.inEventLoop()) {
            loop.execute(this::cancel);
            return;
        }
        if (state == State.DONE || state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        releaseHeld();
        stopStallCheck();
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new IOException("peer " + target + " closed the connection"));
    }

    private void fail(Throwable cause) {
        State was = state;
        if (was == State.DONE || was == State.CLOSED || (was == State.HEAD && endHeld)) {
            return; // a complete response stays usable even if the connection goes away afterwards
        }
        state = State.CLOSED;
        stopStallCheck();
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            if (ch.pipeline().context(this) != null) {
                ch.pipeline().remove(this);
            }
            ch.close();
        }
        switch (was) {
            case CONNECTING, WAITING -> {
                if (reused && !gotBytes) {
                    // A pooled connection the peer had closed meanwhile: not the peer's fault, retry once on a fresh
                    // one.
                    reused = false;
                    dialing = tls;
                    state = State.CONNECTING;
                    client.connect(this);
                } else {
                    listener.onFailure(this, cause);
                }
            }
            case HEAD -> {
                failureHeld = cause;
                brokenAfterHead = true;
            }
            case BODY -> sink.onError(cause);
            default -> {}
        }
    }

    private void stopStallCheck() {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
    }

    private void releaseHeld() {
        while (!held.isEmpty()) {
            held.poll().release();
        }
    }
}

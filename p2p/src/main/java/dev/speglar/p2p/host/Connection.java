package dev.speglar.p2p.host;

import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxSession;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** A secured, multiplexed connection to one authenticated peer. */
public final class Connection {
    private final Channel channel;
    private final InetSocketAddress remoteAddress;
    private final PeerId remote;
    private final boolean outbound;
    private final Host host;
    private final YamuxSession session;

    Connection(Channel channel, PeerId remote, boolean outbound, Host host) {
        // Netty answers null once the channel is closed, which can happen during the upgrade: keep it from now on.
        if (!(channel.remoteAddress() instanceof InetSocketAddress a)) {
            throw new dev.speglar.p2p.P2pProtocolException("connection closed during the upgrade");
        }
        this.remoteAddress = a;
        this.channel = channel;
        this.remote = remote;
        this.outbound = outbound;
        this.host = host;
        this.session = new YamuxSession(outbound, this::accept);
    }

    public PeerId remotePeer() {
        return remote;
    }

    public boolean outbound() {
        return outbound;
    }

    /** The peer's socket address, also after the connection closed. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    public Multiaddr remoteMultiaddr() {
        InetSocketAddress a = remoteAddress();
        return Multiaddr.tcp(a.getAddress(), a.getPort());
    }

    public boolean isActive() {
        return channel.isActive();
    }

    /** Active and not shutting down (no GO_AWAY seen), so new streams can be opened. */
    public boolean isUsable() {
        return channel.isActive() && !session.goingAway();
    }

    public CompletableFuture<Void> closeFuture() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        channel.closeFuture().addListener(x -> f.complete(null));
        return f;
    }

    YamuxSession session() {
        return session;
    }

    Channel channel() {
        return channel;
    }

    void start() {
        channel.closeFuture().addListener(f -> host.unregister(this));
        new ConnectionMonitor(this, host.config()).start();
        host.connected(this);
    }

    /**
     * Opens a stream and negotiates {@code protocol}; the future completes (and {@code handler.onOpen} runs)
     * once the remote echoed it. Fails with {@link dev.speglar.p2p.multistream.ProtocolNotSupportedException}.
     */
    public CompletableFuture<YamuxStream> openStream(String protocol, StreamHandler handler) {
        CompletableFuture<YamuxStream> result = new CompletableFuture<>();
        session.open(new OutboundNegotiation(protocol, handler, result)).whenComplete((s, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Opens a stream without multistream negotiation (tests, and callers doing their own select). */
    public CompletableFuture<YamuxStream> openRawStream(StreamHandler handler) {
        return session.open(handler);
    }

    private void accept(YamuxStream stream) {
        stream.handler(new InboundNegotiation(this, host.protocols()));
    }

    /** GO_AWAY then close. */
    public void close() {
        session.goAway();
    }

    /** Abrupt close without GO_AWAY. */
    public void abort() {
        channel.close();
    }

    @Override
    public String toString() {
        return "Connection[" + remote + (outbound ? " -> " : " <- ") + remoteAddress + "]";
    }
}

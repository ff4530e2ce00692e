package dev.speglar.p2p.host;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.noise.NoiseStaticKey;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/** What one raw TCP connection needs to become a secured, multiplexed {@link Connection}, and where it reports. */
final class Upgrade {
    final boolean outbound;
    final Ed25519Identity identity;
    /** The id we dialed, or null to accept whoever answers (bootstrap by address). */
    final PeerId expected;
    /** The host's Noise static key, shared by all its handshakes. */
    final NoiseStaticKey noiseKey;

    final boolean earlyMuxer;
    final CompletableFuture<Connection> result = new CompletableFuture<>();
    private final Host host;

    Upgrade(Host host, boolean outbound, PeerId expected) {
        this.host = host;
        this.outbound = outbound;
        this.identity = host.identity();
        this.expected = expected;
        this.noiseKey = host.noiseKey();
        this.earlyMuxer = host.config().earlyMuxer();
    }

    /** Called on the event loop once the muxer is agreed; returns the connection whose session must be installed. */
    Connection muxed(Channel channel, PeerId remote) {
        Connection c = new Connection(channel, remote, outbound, host);
        host.register(c);
        return c;
    }

    void completed(Connection c) {
        result.complete(c);
    }

    void failed(Throwable t) {
        result.completeExceptionally(t);
    }
}

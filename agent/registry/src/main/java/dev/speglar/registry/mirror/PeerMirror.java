package dev.speglar.registry.mirror;

import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.MissHandler;
import dev.speglar.registry.inflight.InFlightSharing;
import dev.speglar.routing.Router;
import io.netty.channel.ChannelHandlerContext;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves local misses from peers that hold the content (issue "P2P mirroring end to end"). Peers are found with the
 * {@link Router}, raced with hedging, and their bytes relayed without buffering blobs; content is verified beyond
 * what Spegel does (manifests before the first byte is sent, blobs while streaming), and peers that served wrong bytes
 * are quarantined. When no peer can help the answer is a prompt 404 so containerd goes upstream.
 *
 * <p>Usage: {@code new PeerMirror(router, MirrorConfig.builder(port).selfAddresses(ips).build(), registry)}; close it
 * on shutdown to drop pooled peer connections.
 */
public final class PeerMirror implements MissHandler, AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(PeerMirror.class);
    /** One virtual thread per miss: it waits on lookups and timers, never on sockets (those are event-loop work). */
    private static final java.util.concurrent.ThreadFactory THREADS =
            Thread.ofVirtual().name("mirror-", 0).factory();

    final Router router;
    final MirrorConfig config;
    final MirrorMetrics metrics;
    final Hedger hedger = new Hedger();
    final Quarantine quarantine;
    /** Null when in-flight sharing is off. */
    final InFlightSharing inFlight;

    private final PeerClient client;

    public PeerMirror(Router router, MirrorConfig config, PrometheusRegistry metrics) {
        this(router, config, metrics, null);
    }

    /** {@code inFlight}: also fetch from peers still receiving a blob, and announce local fetches; null = off. */
    public PeerMirror(Router router, MirrorConfig config, PrometheusRegistry metrics, InFlightSharing inFlight) {
        this.inFlight = inFlight;
        this.router = Objects.requireNonNull(router, "router");
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = new MirrorMetrics(Objects.requireNonNull(metrics, "metrics"));
        this.quarantine = new Quarantine(config.quarantine());
        this.client = new PeerClient(config);
    }

    @Override
    public void handle(ChannelHandlerContext ctx, DistributionRequest request, boolean keepAlive) {
        if (request.mirrored()) {
            // Forwarded requests are served locally or not at all: forwarding again could loop between peers.
            MirrorResponses.notFound(ctx, request, 0, "could not find peer for " + request.key(), keepAlive);
            return;
        }
        THREADS.newThread(new MirrorRequest(this, ctx, request, keepAlive)).start();
    }

    /** True if {@code peerId} is avoided because it served wrong bytes recently. */
    public boolean quarantined(String peerId) {
        return quarantine.contains(peerId);
    }

    /** When this node last served a request from a peer, if ever. */
    public Optional<Instant> lastSuccess() {
        return metrics.lastSuccess();
    }

    PeerExchange start(MirrorSession session, DistributionRequest req, PeerTarget target, String range) {
        var request = PeerRequests.build(req, target.addresses().getFirst(), range, config.basicAuth());
        return client.start(session.ctx.channel(), target, request, new PeerExchange.Listener() {
            @Override
            public void onHead(PeerExchange ex) {
                session.post(new MirrorEvent.Head(ex));
            }

            @Override
            public void onFailure(PeerExchange ex, Throwable cause) {
                session.post(new MirrorEvent.Failed(ex, cause));
            }

            @Override
            public void onUsable(PeerExchange ex) {
                session.post(new MirrorEvent.Usable(ex));
            }
        });
    }

    void integrityFailure(String kind, PeerTarget peer, String detail) {
        metrics.integrityFailure(kind);
        quarantine.add(peer.id());
        LOG.warn("integrity failure ({}), peer {} quarantined for {}: {}", kind, peer, config.quarantine(), detail);
    }

    @Override
    public void close() {
        client.close();
    }
}

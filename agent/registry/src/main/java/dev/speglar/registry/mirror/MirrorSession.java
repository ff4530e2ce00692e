package dev.speglar.registry.mirror;

import dev.speglar.routing.Lookup;
import dev.speglar.routing.Peer;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The state of one mirrored request shared by its races: the event queue its thread waits on, the peers found so far,
 * and feeder threads that turn (blocking) lookups into {@link MirrorEvent.Found} events. Several lookups may feed it:
 * the content key and its in-flight key, and fresh ones after a peer failed.
 */
final class MirrorSession implements AutoCloseable {
    private static final Duration FEED_WAIT = Duration.ofMillis(50);

    final ChannelHandlerContext ctx;
    final PeerPool pool = new PeerPool();
    private final LinkedBlockingQueue<MirrorEvent> events = new LinkedBlockingQueue<>();
    private final MirrorConfig config;
    private final Quarantine quarantine;
    private final List<Lookup> lookups = new ArrayList<>();
    private final List<Thread> feeders = new ArrayList<>();
    private final ChannelFutureListener onClientClose = f -> post(new MirrorEvent.ClientGone());
    /** The asking node's address, when it can be told apart from this host's own traffic; else null. */
    private final InetAddress requester;

    private volatile boolean closed;

    MirrorSession(ChannelHandlerContext ctx, Lookup lookup, MirrorConfig config, Quarantine quarantine) {
        this(ctx, config, quarantine);
        add(lookup, false, p -> true);
    }

    MirrorSession(ChannelHandlerContext ctx, MirrorConfig config, Quarantine quarantine) {
        this.ctx = ctx;
        this.config = config;
        this.quarantine = quarantine;
        this.requester = requester(ctx.channel().remoteAddress());
        ctx.channel().closeFuture().addListener(onClientClose);
    }

    /**
     * Feeds the peers {@code lookup} finds into the pool ({@code inFlight}: found by their in-flight record), those
     * {@code accept} admits. Call on the request's thread.
     */
    void add(Lookup lookup, boolean inFlight, Predicate<Peer> accept) {
        lookups.add(lookup);
        pool.lookupStarted(lookup);
        // Providers the router already knows are taken right away: a thread start is no reason to miss the idle window.
        try {
            Optional<Peer> p;
            while (!lookup.finished() && (p = lookup.next(Duration.ZERO)).isPresent()) {
                PeerTarget t = target(p.get(), inFlight, accept);
                if (t != null) {
                    pool.add(t);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lookup.finished()) {
            pool.lookupDone(lookup);
        } else {
            feeders.add(Thread.ofVirtual().name("mirror-lookup").start(() -> feed(lookup, inFlight, accept)));
        }
    }

    private PeerTarget target(Peer p, boolean inFlight, Predicate<Peer> accept) {
        if (quarantine.contains(p.id()) || !accept.test(p)) {
            return null;
        }
        if (requester != null && p.addresses().contains(requester)) {
            // The node asking is this provider: a containerd whose hosts.toml lists other agents after its own asks us
            // after its agent answered 404, while its ingest waits on that very request. Asking it back is a cycle
            // that only its stall bound would end.
            PeerMirror.LOG.debug("not asking {} for content it is asking for itself", p.id());
            return null;
        }
        return PeerTarget.of(p, config.localRegistryPort(), config.selfAddresses(), inFlight);
    }

    /**
     * The client's address if it names a node: not the wildcard, and not 127.0.0.1/::1, the source of every loopback
     * connection that did not bind one (several test nodes share a host on 127.0.0.x).
     */
    static InetAddress requester(java.net.SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress a) || a.getAddress() == null) {
            return null;
        }
        InetAddress ip = a.getAddress();
        boolean defaultLoopback = ip.isLoopbackAddress()
                && (ip instanceof java.net.Inet6Address || ip.getHostAddress().equals("127.0.0.1"));
        return ip.isAnyLocalAddress() || defaultLoopback ? null : ip;
    }

    private void feed(Lookup lookup, boolean inFlight, Predicate<Peer> accept) {
        try {
            while (!closed && !lookup.finished()) {
                Optional<Peer> p = lookup.next(FEED_WAIT);
                if (p.isPresent()) {
                    PeerTarget t = target(p.get(), inFlight, accept);
                    if (t != null) {
                        post(new MirrorEvent.Found(t));
                    }
                }
            }
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException e) {
            PeerMirror.LOG.warn("peer lookup failed: {}", e.toString());
        }
        post(new MirrorEvent.LookupDone(lookup));
    }

    void post(MirrorEvent e) {
        events.add(e);
    }

    /** The next event within {@code timeoutNanos} (null on timeout); lookup events are applied to the pool first. */
    MirrorEvent poll(long timeoutNanos) throws InterruptedException {
        MirrorEvent e = events.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        if (e instanceof MirrorEvent.Found f) {
            pool.add(f.target());
        } else if (e instanceof MirrorEvent.LookupDone d) {
            pool.lookupDone(d.lookup());
        }
        return e;
    }

    /** Waits {@code nanos} while applying lookup events; false if the client left meanwhile. */
    boolean pause(long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            if (poll(left) instanceof MirrorEvent.ClientGone) {
                return false;
            }
        }
        return !clientGone();
    }

    boolean clientGone() {
        return !ctx.channel().isActive();
    }

    @Override
    public void close() {
        closed = true;
        feeders.forEach(Thread::interrupt);
        lookups.forEach(Lookup::close);
        ctx.channel().closeFuture().removeListener(onClientClose);
    }
}

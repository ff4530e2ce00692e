package dev.speglar.p2p.host;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.noise.NoiseStaticKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libp2p host over TCP: listens, dials, upgrades connections (multistream → Noise → yamux), keeps at most one
 * registered connection per peer and a bounded total, and dispatches inbound streams to registered protocols.
 */
public final class Host implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Host.class);

    private final Ed25519Identity identity;
    private final HostConfig config;
    private final NoiseStaticKey noiseKey;
    private final ProtocolRegistry protocols = new ProtocolRegistry();
    private final EventLoopGroup group;
    private final Map<PeerId, Connection> connections = new ConcurrentHashMap<>();
    private final Map<PeerId, CompletableFuture<Connection>> dials = new ConcurrentHashMap<>();
    private final List<Consumer<Connection>> listeners = new CopyOnWriteArrayList<>();
    private final List<Channel> servers = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> inboundBySource = new ConcurrentHashMap<>();
    private final HostCounters counters = new HostCounters();
    private final ConfirmedAddresses confirmed = new ConfirmedAddresses();
    private volatile boolean closed;

    public Host(Ed25519Identity identity, HostConfig config) {
        this.identity = identity;
        this.config = config;
        this.noiseKey = NoiseStaticKey.generate(identity);
        this.group = Transport.newGroup(config.ioThreads());
    }

    public Ed25519Identity identity() {
        return identity;
    }

    public PeerId peerId() {
        return identity.peerId();
    }

    NoiseStaticKey noiseKey() {
        return noiseKey;
    }

    public HostConfig config() {
        return config;
    }

    public ProtocolRegistry protocols() {
        return protocols;
    }

    /** Called on the event loop for every new connection, after the muxer is up. */
    public void onConnection(Consumer<Connection> listener) {
        listeners.add(listener);
    }

    /** Binds a TCP listener; returns the bound address (port 0 picks one). */
    public InetSocketAddress listen(InetSocketAddress address) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ConnectionInitializer(config, counters, this::admitInbound));
        Channel server = b.bind(address).syncUninterruptibly().channel();
        servers.add(server);
        return (InetSocketAddress) server.localAddress();
    }

    public List<InetSocketAddress> boundAddresses() {
        return servers.stream().map(s -> (InetSocketAddress) s.localAddress()).toList();
    }

    /** What this host refused or timed out; for metrics. */
    public HostCounters counters() {
        return counters;
    }

    /** Admits an accepted connection unless its source IP already has its share open (pending ones included). */
    private Upgrade admitInbound(SocketChannel ch) {
        InetAddress source =
                ch.remoteAddress() == null ? null : ch.remoteAddress().getAddress();
        if (source == null) {
            return admit(false, null);
        }
        AtomicInteger n = inboundBySource.computeIfAbsent(source, k -> new AtomicInteger());
        if (n.incrementAndGet() > config.maxInboundPerSource()) {
            releaseSource(source, n);
            counters.refusedSource.increment();
            return null;
        }
        Upgrade u = admit(false, null);
        if (u == null) {
            releaseSource(source, n);
        } else {
            ch.closeFuture().addListener(f -> releaseSource(source, n));
        }
        return u;
    }

    private void releaseSource(InetAddress source, AtomicInteger n) {
        if (n.decrementAndGet() <= 0) {
            inboundBySource.remove(source, n);
        }
    }

    private Upgrade admit(boolean outbound, PeerId expected) {
        if (closed || (open.incrementAndGet() > config.maxConnections() && !trimIdle())) {
            open.decrementAndGet();
            if (!closed) {
                counters.refusedTotal.increment();
            }
            return null;
        }
        Upgrade u = new Upgrade(this, outbound, expected);
        u.result.whenComplete((c, e) -> {
            if (e != null) {
                open.decrementAndGet();
            }
        });
        return u;
    }

    /**
     * At the cap, closes the connection that has had no open stream for longest, if that is at least a tenth of the
     * idle timeout (10 s by default), and lets the new one in; false if every connection is in use or fresh. Like
     * go-libp2p's connection manager, which trims rather than refuses: in a cluster larger than the cap, a node must
     * still reach the peers closest to a key, and a refused dial would leave records misplaced and walks short.
     */
    private boolean trimIdle() {
        Duration min = config.idleTimeout().dividedBy(10);
        Connection victim = null;
        Duration longest = Duration.ZERO;
        for (Connection c : connections.values()) {
            Duration idle = c.session().sinceLastStreamChange();
            if (c.isUsable()
                    && c.session().streamCount() == 0
                    && idle.compareTo(min) >= 0
                    && idle.compareTo(longest) > 0) {
                victim = c;
                longest = idle;
            }
        }
        // Unregistered at once, so a concurrent admit picks another; the count drops when its channel closes.
        if (victim == null || !connections.remove(victim.remotePeer(), victim)) {
            return false;
        }
        LOG.debug("at the cap of {} connections: closing {}, idle for {}", config.maxConnections(), victim, longest);
        victim.close();
        return true;
    }

    /** The registered live connection to {@code peer}, if any. */
    public Optional<Connection> connection(PeerId peer) {
        Connection c = connections.get(peer);
        return c != null && c.isUsable() ? Optional.of(c) : Optional.empty();
    }

    public List<Connection> connections() {
        return connections.values().stream().filter(Connection::isActive).toList();
    }

    /**
     * Reuses a live connection to {@code peer} or races its addresses (happy eyeballs: IPv6 first, IPv4 250 ms later,
     * first to connect wins); one dial in flight per peer. Addresses of a family this host does not listen on are
     * skipped: a node without an IPv6 listener could not be reached back over IPv6 either.
     */
    public CompletableFuture<Connection> connect(PeerId peer, List<Multiaddr> addrs) {
        Optional<Connection> existing = connection(peer);
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(existing.get());
        }
        List<InetSocketAddress> targets = dialable(addrs);
        if (targets.isEmpty()) {
            return CompletableFuture.failedFuture(new NoDialableAddressException(peer));
        }
        CompletableFuture<Connection> fresh = new CompletableFuture<>();
        CompletableFuture<Connection> prior = dials.putIfAbsent(peer, fresh);
        if (prior != null) {
            return prior;
        }
        fresh.whenComplete((c, e) -> dials.remove(peer, fresh));
        HappyEyeballs.race(
                        HappyEyeballs.order(targets),
                        a -> dial(a, peer),
                        Connection::close,
                        group,
                        HappyEyeballs.ATTEMPT_DELAY)
                .whenComplete((c, e) -> {
                    if (e == null) {
                        fresh.complete(c);
                    } else {
                        fresh.completeExceptionally(e);
                    }
                });
        return fresh;
    }

    /** TCP addresses among {@code addrs} in a family this host listens on (any, before it listens). */
    List<InetSocketAddress> dialable(List<Multiaddr> addrs) {
        return DialTargets.of(addrs, boundAddresses());
    }

    /**
     * The IPs at which {@code peer} completed a Noise handshake with this host in the last 30 minutes (see
     * {@link ConfirmedAddresses}): addresses there are the peer's own, whatever connection its claim arrives on.
     */
    public Set<InetAddress> confirmedIps(PeerId peer) {
        return confirmed.of(peer, System.nanoTime());
    }

    /**
     * Confirms {@code claimed} addresses of {@code peer} at IPs not yet confirmed by dialing them (one connection per
     * IP, closed once Noise proved the peer's key there); completes with the IPs confirmed now. This lets a dual-stack
     * peer that connected over one family be advertised in the other one too, without trusting its word.
     */
    public CompletableFuture<Set<InetAddress>> probe(PeerId peer, List<Multiaddr> claimed) {
        Set<InetAddress> known = confirmedIps(peer);
        Map<InetAddress, InetSocketAddress> todo = new java.util.LinkedHashMap<>();
        for (InetSocketAddress t : dialable(claimed)) {
            if (!known.contains(t.getAddress())
                    && !todo.containsKey(t.getAddress())
                    && confirmed.mayProbe(peer, t.getAddress(), System.nanoTime())) {
                todo.put(t.getAddress(), t);
            }
        }
        Set<InetAddress> out = ConcurrentHashMap.newKeySet();
        CompletableFuture<?>[] all = todo.values().stream()
                .map(t -> dial(t, peer).handle((c, e) -> {
                    if (e == null) {
                        out.add(t.getAddress());
                        if (connection(peer).orElse(null) != c) {
                            c.close();
                        }
                    }
                    return null;
                }))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).thenApply(v -> Set.copyOf(out));
    }

    /** Dials one address; {@code expected} null accepts whichever peer answers (its id is proven by Noise). */
    public CompletableFuture<Connection> dial(InetSocketAddress address, PeerId expected) {
        Upgrade u = admit(true, expected);
        if (u == null) {
            return CompletableFuture.failedFuture(new ConnectionLimitException());
        }
        var connecting = new Bootstrap()
                .group(group)
                .channel(Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        config.dialTimeout().toMillis())
                .handler(new ConnectionInitializer(config, counters, ch -> u))
                .connect(address, sourceFor(address));
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                u.failed(f.cause());
            }
        });
        // A failed, timed-out or cancelled (lost the race) attempt must not leave its socket behind.
        u.result.whenComplete((c, e) -> {
            if (e != null) {
                connecting.channel().close();
            }
        });
        return u.result.orTimeout(
                config.dialTimeout().toMillis() + config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Dials from our specific listen IP of the same family (so a node on 127.0.0.5 is seen as 127.0.0.5);
     * null, i.e. kernel's choice, when we listen on a wildcard.
     */
    private InetSocketAddress sourceFor(InetSocketAddress target) {
        for (InetSocketAddress s : boundAddresses()) {
            var ip = s.getAddress();
            if (!ip.isAnyLocalAddress()
                    && ip.getClass() == target.getAddress().getClass()
                    && ip.isLoopbackAddress() == target.getAddress().isLoopbackAddress()) {
                return new InetSocketAddress(ip, 0);
            }
        }
        return null;
    }

    void register(Connection c) {
        confirmed.confirm(c.remotePeer(), c.remoteAddress().getAddress(), System.nanoTime());
        Connection prev = connections.get(c.remotePeer());
        if (prev == null || !prev.isUsable()) {
            connections.put(c.remotePeer(), c);
        }
    }

    void unregister(Connection c) {
        open.decrementAndGet();
        connections.remove(c.remotePeer(), c);
    }

    void connected(Connection c) {
        for (Consumer<Connection> l : listeners) {
            try {
                l.accept(c);
            } catch (RuntimeException e) {
                LOG.warn("connection listener failed for {}", c, e);
            }
        }
    }

    /** Simulates a crash: closes every socket without GO_AWAY and stops the event loops. */
    public void kill() {
        closed = true;
        servers.forEach(Channel::close);
        connections.values().forEach(Connection::abort);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public void close() {
        closed = true;
        servers.forEach(Channel::close);
        connections.values().forEach(Connection::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

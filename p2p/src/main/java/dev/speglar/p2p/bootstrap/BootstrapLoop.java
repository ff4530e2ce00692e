package dev.speglar.p2p.bootstrap;

import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.kad.Dht;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.Protocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to seeds until the routing table is not empty, retrying with exponential backoff from 50 ms to 10 s,
 * then refreshes the table; while online it re-checks every 10 s (starting over if the table emptied) and
 * contacts the seeds again every 30 min. While the table holds fewer than {@link Dht#LOW_PEERS} peers (a node left
 * nearly alone by a connection storm at start) it dials the seeds again and walks to itself, every 10 s, backing
 * off to 30 s while that does not help (a network that small), one attempt at a time. It logs once per change of
 * state (searching, alone, online, lost peers), never once per attempt: a lone node retries quietly.
 */
public final class BootstrapLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapLoop.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** Cheap (the table's size), so often: a node left short of peers is noticed within seconds. */
    static final Duration ONLINE_CHECK = Duration.ofSeconds(10);
    /** Like upstream: while online, seeds are contacted again every 30 min so split clusters heal. */
    static final Duration PERIODIC = Duration.ofMinutes(30);
    /** First delay between low-peers fixes; doubles up to {@link #LOW_PEERS_MAX} while the table does not grow. */
    static final Duration LOW_PEERS_CHECK = Duration.ofSeconds(10);

    static final Duration LOW_PEERS_MAX = Duration.ofSeconds(30);

    private final Bootstrapper bootstrapper;
    private final Host host;
    private final Dht dht;
    private final Supplier<List<Multiaddr>> selfAddrs;
    private final int tcpPort;
    private final ScheduledExecutorService scheduler;
    private Duration backoff = MIN_BACKOFF;
    private volatile Duration lowPeersCheck = LOW_PEERS_CHECK;
    /** A low-peers fix ran and the table has not been seen recovered since. */
    private volatile boolean fixedLow;

    private volatile int attempt;
    private long lastAttempt = System.nanoTime();
    private volatile boolean closed;
    private volatile State state = State.STARTING;

    /** What the loop last reported; a message is logged only when this changes. */
    enum State {
        STARTING,
        SEARCHING,
        ALONE,
        FAILING,
        ONLINE
    }

    public BootstrapLoop(
            Bootstrapper bootstrapper,
            Host host,
            Dht dht,
            Supplier<List<Multiaddr>> selfAddrs,
            int tcpPort,
            ScheduledExecutorService scheduler) {
        this.bootstrapper = bootstrapper;
        this.host = host;
        this.dht = dht;
        this.selfAddrs = selfAddrs;
        this.tcpPort = tcpPort;
        this.scheduler = scheduler;
    }

    public void start() {
        schedule(Duration.ZERO);
    }

    private void schedule(Duration d) {
        if (!closed) {
            scheduler.schedule(this::tick, d.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        if (dht.routingTable().size() > 0) {
            boolean justJoined = attempt > 0;
            if (justJoined) {
                LOG.info("bootstrap completed, connectivity reached after {} attempt(s)", attempt);
                attempt = 0;
                dht.refresh();
            }
            state = State.ONLINE;
            backoff = MIN_BACKOFF;
            if (justJoined && dht.lowOnPeers()) {
                // The walk just started fills the table; check again once it had time to.
                schedule(lowPeersCheck);
                return;
            }
            if (dht.lowOnPeers()) {
                fixLowPeers();
                return;
            }
            lowPeersCheck = LOW_PEERS_CHECK;
            endLowPeers();
            if (System.nanoTime() - lastAttempt >= PERIODIC.toNanos()) {
                lastAttempt = System.nanoTime();
                try {
                    connectAll(bootstrapper.get());
                } catch (Exception e) {
                    LOG.debug("periodic bootstrap failed: {}", e.toString());
                }
            }
            schedule(ONLINE_CHECK);
            return;
        }
        if (state == State.ONLINE) {
            LOG.warn("lost every peer; bootstrapping again (retries back off up to {})", MAX_BACKOFF);
            state = State.SEARCHING;
        }
        attempt++;
        lastAttempt = System.nanoTime();
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        try {
            List<BootstrapPeer> seeds = bootstrapper.get();
            report(seeds);
            CompletableFuture.allOf(connectAll(seeds))
                    .orTimeout(30, TimeUnit.SECONDS)
                    .whenComplete((v, e) -> schedule(wait));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            if (state != State.FAILING) {
                LOG.warn(
                        "cannot find bootstrap peers ({}); retrying quietly (backoff up to {})",
                        e.toString(),
                        MAX_BACKOFF);
                state = State.FAILING;
            }
            LOG.debug("failed to run bootstrap (attempt {}): {}", attempt, e.toString());
            schedule(wait);
        }
    }

    /**
     * Like go's fixLowPeers: check connected peers, dial the seeds again, then walk to ourselves; the next tick is
     * scheduled when that is done, so at most one fix is in flight.
     */
    private void fixLowPeers() {
        int before = dht.routingTable().size();
        fixedLow = true;
        dht.admitConnected();
        CompletableFuture<?>[] dials;
        try {
            dials = connectAll(bootstrapper.get());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            LOG.debug("low-peers bootstrap failed: {}", e.toString());
            dials = new CompletableFuture<?>[0];
        }
        LOG.debug(
                "routing table has {} peer(s), fewer than {}: dialing seeds and walking to self",
                before,
                Dht.LOW_PEERS);
        CompletableFuture.allOf(dials)
                .orTimeout(30, TimeUnit.SECONDS)
                .handle((v, e) -> null)
                .thenCompose(v -> dht.refresh().orTimeout(60, TimeUnit.SECONDS).handle((p, e) -> null))
                .whenComplete((v, e) -> {
                    if (!dht.lowOnPeers()) {
                        endLowPeers();
                    }
                    Duration next = lowPeersCheck;
                    boolean grew = dht.routingTable().size() > before;
                    Duration doubled = next.multipliedBy(2);
                    lowPeersCheck =
                            grew ? LOW_PEERS_CHECK : doubled.compareTo(LOW_PEERS_MAX) > 0 ? LOW_PEERS_MAX : doubled;
                    schedule(next);
                });
    }

    private void endLowPeers() {
        if (fixedLow) {
            fixedLow = false;
            LOG.debug("routing table recovered: {} peers", dht.routingTable().size());
            dht.recovered();
        }
    }

    /** Logs when the search changes character: seeds to dial, or nobody but ourselves (a lone node). */
    private void report(List<BootstrapPeer> seeds) {
        boolean others = seeds.stream().anyMatch(p -> !host.peerId().equals(p.id()));
        State next = others ? State.SEARCHING : State.ALONE;
        if (next != state) {
            if (next == State.ALONE) {
                LOG.info(
                        "no other bootstrap peer yet; running alone and retrying quietly (backoff up to {})",
                        MAX_BACKOFF);
            } else {
                LOG.info(
                        "bootstrapping from {} peer(s); retrying quietly until one answers (backoff up to {})",
                        seeds.size(),
                        MAX_BACKOFF);
            }
            state = next;
        }
    }

    State state() {
        return state;
    }

    /** Attempts since the routing table was last empty. */
    int attempts() {
        return attempt;
    }

    private CompletableFuture<?>[] connectAll(List<BootstrapPeer> peers) {
        List<Multiaddr> own = selfAddrs.get();
        List<CompletableFuture<?>> out = new ArrayList<>();
        for (BootstrapPeer p : peers) {
            if (host.peerId().equals(p.id())) {
                continue;
            }
            List<Multiaddr> addrs = p.addrs().stream()
                    .map(this::withPort)
                    .filter(a -> !own.contains(a))
                    .toList();
            if (addrs.isEmpty()) {
                continue;
            }
            CompletableFuture<?> f = p.id() != null ? host.connect(p.id(), addrs) : dialUnknown(addrs);
            out.add(f.exceptionally(e -> {
                LOG.debug("bootstrap dial to {} failed: {}", addrs, e.toString());
                return null;
            }));
        }
        return out.toArray(CompletableFuture[]::new);
    }

    /** Unknown id: accept whoever answers, the Noise handshake proves its real id. */
    private CompletableFuture<?> dialUnknown(List<Multiaddr> addrs) {
        InetSocketAddress target = addrs.getFirst().tcpSocketAddress().orElse(null);
        if (target == null) {
            return CompletableFuture.completedFuture(null);
        }
        return host.dial(target, null);
    }

    /** IP-only seeds (DNS) get our own TCP port, assuming uniform ports cluster-wide as upstream does. */
    private Multiaddr withPort(Multiaddr a) {
        if (a.components().size() == 1 && a.ip().isPresent()) {
            List<Multiaddr.Component> c = new ArrayList<>(a.components());
            c.add(new Multiaddr.Component(Protocol.TCP, new byte[] {(byte) (tcpPort >> 8), (byte) tcpPort}));
            return Multiaddr.of(c);
        }
        return a;
    }

    @Override
    public void close() {
        closed = true;
    }
}

package dev.speglar.p2p.kad;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.host.ConnectionLimitException;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.host.NoDialableAddressException;
import dev.speglar.p2p.identify.IdentifyMessage;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kademlia node: routing table admission (identify lists the protocol, then a FIND_NODE check), the server
 * side, provider records, and iterative queries. Providing on a schedule lives in {@link Reprovider}.
 */
public final class Dht {
    private static final Logger LOG = LoggerFactory.getLogger(Dht.class);

    private final Host host;
    private final DhtConfig config;
    private final Supplier<List<Multiaddr>> selfAddrs;
    private final RoutingTable routingTable;
    private final PeerStore peerStore = new PeerStore();
    private final ProviderStore providerStore;
    private final KadClient client;
    /** The last self walk met fewer than k peers: the routing table then holds the whole network. */
    private volatile boolean smallNetwork;

    /**
     * Self walks in the first minutes after start, besides the one after bootstrap and the periodic refresh: when a
     * whole cluster starts at once, the first walk meets only the nodes already up, and a node's closest peers that
     * joined later stay unknown to it until the next refresh (N = 500 bench: 6.6 of a node's 20 closest known).
     */
    public static final List<java.time.Duration> EARLY_REFRESHES = List.of(
            java.time.Duration.ofSeconds(30),
            java.time.Duration.ofMinutes(1),
            java.time.Duration.ofMinutes(2),
            java.time.Duration.ofMinutes(4));

    /**
     * Below this many routing-table peers a node is short of peers (go-libp2p-kad-dht's minRTRefreshThreshold): its
     * walks end early and its provides land on the few peers it knows, so it dials its seeds again and walks to
     * itself until the table has recovered (see the bootstrap loop), then provides again what it placed while short.
     */
    public static final int LOW_PEERS = 10;

    /** Failures in a row (other than an unreachable dial) after which a routing-table peer is dropped. */
    static final int MAX_STRIKES = 3;

    private final Map<PeerId, Integer> strikes = new ConcurrentHashMap<>();
    private static final int MAX_FAILURE_KINDS = 32;
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile WalkOutcome lastWalk = new WalkOutcome("none", List.of(), List.of());

    private final List<Runnable> onlineListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Runnable> recoveredListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Provider lookups by rounds (index = hops, the last slot counts everything deeper), for benchmarks. */
    private final java.util.concurrent.atomic.AtomicLongArray lookupRounds =
            new java.util.concurrent.atomic.AtomicLongArray(16);

    public Dht(Host host, DhtConfig config, Supplier<List<Multiaddr>> selfAddrs) {
        this.host = host;
        this.config = config;
        this.selfAddrs = selfAddrs;
        this.routingTable = new RoutingTable(host.peerId(), config.k());
        this.providerStore = new ProviderStore(config.providerValidity(), Clock.systemUTC());
        this.client = new KadClient(host, peerStore, config.protocol(), config.requestTimeout());
        host.protocols().register(config.protocol(), c -> new KadServer(this, c));
    }

    public PeerId self() {
        return host.peerId();
    }

    public DhtConfig config() {
        return config;
    }

    public RoutingTable routingTable() {
        return routingTable;
    }

    public PeerStore peerStore() {
        return peerStore;
    }

    public ProviderStore providerStore() {
        return providerStore;
    }

    KadClient client() {
        return client;
    }

    List<Multiaddr> selfAddrs() {
        return selfAddrs.get();
    }

    /** After identify: a peer listing our DHT protocol is admitted once it answers a FIND_NODE for itself. */
    public void peerIdentified(Connection c, IdentifyMessage id) {
        PeerId peer = c.remotePeer();
        if (!id.protocols().contains(config.protocol())) {
            routingTable.remove(peer);
            return;
        }
        List<Multiaddr> addrs =
                new ArrayList<>(config.ownAddressesOnly() ? owned(c, id.listenAddrs()) : id.listenAddrs());
        if (c.outbound()) {
            addrs.add(c.remoteMultiaddr());
        }
        peerStore.add(peer, addrs);
        check(peer);
    }

    /**
     * Checks every connected peer that identify showed speaking our protocol and that is missing from the routing
     * table (dropped after failures while the network was busy): like go's fixLowPeers, the first thing a node short of
     * peers tries, as re-dialing a connected seed does not identify it again.
     */
    public void admitConnected() {
        for (Connection c : host.connections()) {
            PeerId peer = c.remotePeer();
            if (peer != null && !peerStore.get(peer).isEmpty()) {
                check(peer);
            }
        }
    }

    /** Admits {@code peer} once it answers a FIND_NODE for itself, if the table has room and lacks it. */
    private void check(PeerId peer) {
        if (routingTable.contains(peer) || !routingTable.hasRoomFor(peer)) {
            return;
        }
        client.request(peer, KadMessage.request(KadMessage.Type.FIND_NODE, peer.bytes()))
                .whenComplete((r, e) -> {
                    if (e == null) {
                        responded(peer);
                    } else {
                        LOG.debug("lookup check of {} failed: {}", peer, e.toString());
                    }
                });
    }

    /** The last walk this node finished (any kind), for diagnostics. */
    public WalkOutcome lastWalk() {
        return lastWalk;
    }

    /** Failed requests of walks by exception class, since start (diagnostics). */
    public Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    void walkEnded(WalkOutcome o) {
        lastWalk = o;
    }

    void recordLookupRounds(int rounds) {
        lookupRounds.incrementAndGet(Math.min(rounds, lookupRounds.length() - 1));
    }

    /** How many provider lookups took 0, 1, 2, … rounds (index 15: 15 or more) since this node started. */
    public long[] lookupRounds() {
        long[] out = new long[lookupRounds.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = lookupRounds.get(i);
        }
        return out;
    }

    void responded(PeerId peer) {
        strikes.remove(peer);
        boolean wasEmpty = routingTable.size() == 0;
        if (routingTable.add(peer)) {
            LOG.debug("routing table: {} (size {})", peer, routingTable.size());
            if (wasEmpty) {
                onlineListeners.forEach(Runnable::run);
            }
        }
    }

    /** True while the routing table holds fewer than {@link #LOW_PEERS} peers. */
    public boolean lowOnPeers() {
        return routingTable.size() < LOW_PEERS;
    }

    /** Runs when the node has recovered from being short of peers (see {@link #recovered()}). */
    public void onRecovered(Runnable r) {
        recoveredListeners.add(r);
    }

    /**
     * Called by whoever fixed a routing table short of peers, once it holds {@link #LOW_PEERS} or more and the self walk
     * is done (so the small-network guess is fresh): runs the {@link #onRecovered} listeners.
     */
    public void recovered() {
        recoveredListeners.forEach(Runnable::run);
    }

    /** Runs (on a network thread) whenever the routing table goes from empty to non-empty. */
    public void onOnline(Runnable r) {
        onlineListeners.add(r);
    }

    /**
     * A request to {@code peer} failed. A dial that fails (refused, unreachable, no address) drops it from the
     * routing table at once. Anything else (a timeout, a connection dropped mid-request) drops it only after
     * {@link #MAX_STRIKES} failures in a row: a busy peer, or our own overload, looks like that while the peer is
     * alive, and evicting every slow peer empties the tables exactly when the network is busiest (a dead peer's next
     * dial is refused). Our own connection cap says nothing about the peer.
     */
    void failed(PeerId peer, Throwable e) {
        Throwable cause = count("", e);
        if (cause instanceof ConnectionLimitException || !routingTable.contains(peer)) {
            return;
        }
        boolean unreachable = cause instanceof IOException || cause instanceof NoDialableAddressException;
        if (!unreachable && strikes.merge(peer, 1, Integer::sum) < MAX_STRIKES) {
            return;
        }
        strikes.remove(peer);
        if (routingTable.remove(peer)) {
            LOG.debug("routing table: removed {} after {}", peer, e.toString());
        }
    }

    /** Counts a failure by kind ({@code prefix} + exception class) for {@link #failures()}; returns its cause. */
    private Throwable count(String prefix, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        String kind = prefix + cause.getClass().getSimpleName();
        if (cause instanceof P2pProtocolException && failures.size() < MAX_FAILURE_KINDS) {
            // Messages may quote what a peer sent: a bounded number of kinds only.
            kind += ": " + String.valueOf(cause.getMessage()).replaceAll(" for \\S+$", "");
        }
        failures.computeIfAbsent(kind, x -> new LongAdder()).increment();
        return cause;
    }

    /** Closest known peers with addresses, excluding self and the requester. */
    List<KadPeer> closerPeers(byte[] target, PeerId requester) {
        List<KadPeer> out = new ArrayList<>();
        for (PeerId p : routingTable.closest(target, config.k() + 2)) {
            List<Multiaddr> a = peerStore.get(p);
            if (!p.equals(requester) && !p.equals(self()) && !a.isEmpty() && out.size() < config.k()) {
                out.add(new KadPeer(p, a));
            }
        }
        return out;
    }

    /** Like go: the FIND_NODE target itself comes first when its addresses are known (even if it is the requester). */
    List<KadPeer> closerPeersForFindNode(byte[] key, PeerId requester) {
        List<KadPeer> out = new ArrayList<>();
        PeerId target = null;
        try {
            target = PeerId.fromBytes(key);
        } catch (RuntimeException e) {
            // Not a peer id (go refreshes with random keys); only closer peers are returned.
        }
        if (target != null) {
            List<Multiaddr> a = target.equals(self()) ? selfAddrs() : peerStore.get(target);
            if (!a.isEmpty()) {
                out.add(new KadPeer(target, a));
            }
        }
        for (KadPeer p : closerPeers(KadId.of(key), requester)) {
            if (!p.id().equals(target)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * A record {@code sender} made about itself, limited to the addresses it owns (see {@link OwnedAddresses}); empty
     * when there is no live connection to tell where it is.
     */
    KadPeer ownRecord(PeerId sender, KadPeer record) {
        if (!config.ownAddressesOnly()) {
            return record;
        }
        var source =
                host.connection(sender).map(c -> c.remoteAddress().getAddress()).orElse(null);
        return new KadPeer(record.id(), OwnedAddresses.filter(source, host.confirmedIps(sender), record.addrs()));
    }

    /** {@code claimed} limited to what the peer on {@code c} owns (see {@link OwnedAddresses}). */
    List<Multiaddr> owned(Connection c, List<Multiaddr> claimed) {
        return OwnedAddresses.filter(c.remoteAddress().getAddress(), host.confirmedIps(c.remotePeer()), claimed);
    }

    List<KadPeer> providersFor(byte[] key) {
        return providerStore.get(key);
    }

    void storeProvider(byte[] key, KadPeer p) {
        providerStore.add(key, p.id(), p.addrs());
        peerStore.add(p.id(), p.addrs());
    }

    /** Iterative FIND_NODE walk towards {@code key}; completes with the closest peers that answered. */
    public CompletableFuture<List<PeerId>> closestPeers(byte[] key) {
        return findNodeWalk(key).run();
    }

    private IterativeQuery findNodeWalk(byte[] key) {
        return new IterativeQuery(
                this,
                KadMessage.request(KadMessage.Type.FIND_NODE, key),
                config.k(),
                config.alpha(),
                null,
                () -> false);
    }

    /**
     * Streams providers of content multihash {@code key} to {@code sink} (local records first, self excluded,
     * duplicates possible) until the network is exhausted or {@code stop} is true.
     */
    public CompletableFuture<List<PeerId>> findProviders(byte[] key, Consumer<KadPeer> sink, BooleanSupplier stop) {
        for (KadPeer p : providerStore.get(key)) {
            if (!p.id().equals(self())) {
                sink.accept(p);
            }
        }
        Consumer<KadPeer> remote = p -> {
            if (!p.id().equals(self())) {
                peerStore.add(p.id(), p.addrs());
                sink.accept(new KadPeer(p.id(), p.addrs().isEmpty() ? peerStore.get(p.id()) : p.addrs()));
            }
        };
        return new IterativeQuery(
                        this,
                        KadMessage.request(KadMessage.Type.GET_PROVIDERS, key),
                        config.k(),
                        config.alpha(),
                        remote,
                        stop)
                .run();
    }

    /**
     * Sends ADD_PROVIDER for {@code key} to {@code peers} with our addresses; completes when all were written, with
     * false when some could not be (no connection or stream in time): those peers lack the record.
     */
    public CompletableFuture<Boolean> addProvider(byte[] key, List<PeerId> peers) {
        List<Multiaddr> addrs = selfAddrs();
        providerStore.add(key, self(), addrs);
        if (addrs.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        KadMessage msg =
                new KadMessage(KadMessage.Type.ADD_PROVIDER, key, List.of(), List.of(new KadPeer(self(), addrs)));
        List<CompletableFuture<Boolean>> sends = peers.stream()
                .map(p -> client.send(p, msg).thenApply(v -> true).exceptionally(e -> {
                    count("ADD_PROVIDER ", e);
                    return false;
                }))
                .toList();
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .thenApply(v -> sends.stream().allMatch(CompletableFuture::join));
    }

    /**
     * Stores our own record and announces it to the k closest peers. When the last self walk met fewer than k peers
     * and the table still holds fewer than k (but at least {@link #LOW_PEERS}), the table is the whole network, so the
     * walk is skipped. A node that has
     * just joined a larger network also knows fewer than k peers, but those are not the closest: it walks. Completes
     * with false when peers closer than those announced to failed to answer, fewer than k answered in a network
     * not known to be small, or an announcement could not be sent: the record may be misplaced, so the caller should
     * provide again later.
     */
    public CompletableFuture<Boolean> provide(byte[] key) {
        providerStore.add(key, self(), selfAddrs());
        List<PeerId> known = routingTable.peers();
        // A node short of peers cannot tell a small network from its own isolation: it walks.
        if (smallNetwork && known.size() < config.k() && !lowOnPeers()) {
            return addProvider(key, known);
        }
        IterativeQuery walk = findNodeWalk(key);
        return walk.run().thenCompose(peers -> {
            LOG.debug("providing {} to {} peers", java.util.HexFormat.of().formatHex(key), peers.size());
            // Fewer than k answers in a network known to be larger: the walk could not find the closest peers (tables
            // still filling); placed on the few it found, the record is retried once tables have grown.
            boolean enough = peers.size() >= config.k() || smallNetwork;
            return addProvider(key, peers).thenApply(sent -> sent && enough && !walk.missedCloser());
        });
    }

    public void unprovide(byte[] key) {
        providerStore.remove(key, self());
    }

    /**
     * go-style refresh: walk towards our own id, which fills the routing table from the peers we know. Only a walk in
     * which no peer failed may call the network small: under a start-up storm, timeouts also leave a walk with fewer
     * than k answers, and a provide that trusted that guess placed its record away from its closest peers (the one miss
     * of the N = 500 bench).
     */
    public CompletableFuture<List<PeerId>> refresh() {
        IterativeQuery walk = findNodeWalk(self().bytes());
        return walk.run().whenComplete((peers, e) -> {
            if (e == null) {
                smallNetwork = peers.size() < config.k() && !walk.missedCloser();
            }
        });
    }
}

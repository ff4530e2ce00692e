package dev.speglar.p2p;

import dev.speglar.p2p.bootstrap.BootstrapLoop;
import dev.speglar.p2p.bootstrap.Bootstrapper;
import dev.speglar.p2p.bootstrap.DnsBootstrapper;
import dev.speglar.p2p.bootstrap.HttpBootstrapper;
import dev.speglar.p2p.bootstrap.HttpIdServer;
import dev.speglar.p2p.bootstrap.IdJson;
import dev.speglar.p2p.bootstrap.StaticBootstrapper;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.crypto.KeyFile;
import dev.speglar.p2p.host.Connection;
import dev.speglar.p2p.host.Host;
import dev.speglar.p2p.host.HostConfig;
import dev.speglar.p2p.host.HostCounters;
import dev.speglar.p2p.host.ListenAddress;
import dev.speglar.p2p.host.SelfAddresses;
import dev.speglar.p2p.identify.IdentifyService;
import dev.speglar.p2p.kad.Dht;
import dev.speglar.p2p.kad.DhtConfig;
import dev.speglar.p2p.kad.KadPeer;
import dev.speglar.p2p.kad.Reprovider;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.ping.PingService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libp2p host with a Kademlia DHT that joins upstream Spegel's network (TCP, Noise, yamux, /spegel/kad/1.0.0).
 * Keys are content strings (digests, image references); each maps to CIDv1(raw, sha2-256(key)).
 */
public final class P2pNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(P2pNode.class);

    private final P2pConfig config;
    private final Host host;
    private final Dht dht;
    private final Reprovider reprovider;
    private final ScheduledExecutorService scheduler;
    private final LookupCache lookups;
    private volatile List<Multiaddr> selfAddrs = List.of();
    private volatile LookupListener lookupListener = (took, providers) -> {};
    private BootstrapLoop bootstrap;
    private HttpIdServer idServer;

    private P2pNode(P2pConfig config, Ed25519Identity identity) {
        this.config = config;
        this.host = new Host(
                identity,
                HostConfig.defaults()
                        .withMaxConnections(config.maxConnections())
                        .withMaxInboundPerSource(config.maxInboundPerSource()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2p-" + identity.peerId().toBase58().substring(46));
            t.setDaemon(true);
            return t;
        });
        // Protocols and the connection listener are in place before the first connection can arrive.
        new PingService(host);
        IdentifyService identify = new IdentifyService(host, () -> selfAddrs);
        this.lookups = new LookupCache(config.lookupRefreshAfter());
        this.dht = new Dht(
                host,
                DhtConfig.defaults(config.kadProtocol())
                        .withTimers(config.providerValidity(), config.reprovideInterval())
                        .withRequestTimeout(config.requestTimeout()),
                () -> selfAddrs);
        host.onConnection(c -> identify.identify(c).whenComplete((id, e) -> {
            if (e == null) {
                dht.peerIdentified(c, id);
                confirmOtherAddresses(c, id.listenAddrs());
            } else {
                LOG.debug("identify of {} failed: {}", c, e.toString());
            }
        }));
        this.reprovider = new Reprovider(dht, scheduler);
        scheduler.scheduleWithFixedDelay(
                () -> {
                    dht.providerStore().expire();
                    dht.peerStore().expire();
                },
                1,
                1,
                TimeUnit.MINUTES);
        long refresh = dht.config().refreshInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> dht.refresh(), refresh, refresh, TimeUnit.MILLISECONDS);
        for (Duration d : Dht.EARLY_REFRESHES) {
            scheduler.schedule(() -> dht.refresh(), d.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            // Several comma-separated addresses listen side by side (dual-stack: "10.0.0.5:5001,[fd00::5]:5001").
            List<InetSocketAddress> bound = new java.util.ArrayList<>();
            for (String a : config.listenAddress().split(",")) {
                if (!a.isBlank()) {
                    bound.add(host.listen(ListenAddress.parse(a.trim())));
                }
            }
            this.selfAddrs = SelfAddresses.of(bound);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            host.close();
            throw e;
        }
    }

    /**
     * A dual-stack peer's claimed addresses of the other family than its connection's are dialed once; those where
     * Noise proves its key join its known addresses, so peers of either family can be told them. Claims of the
     * connection's own family at other IPs are never dialed (a multi-homed node is known by the IP it dials from).
     */
    private void confirmOtherAddresses(Connection c, List<Multiaddr> claimed) {
        InetAddress source = c.remoteAddress().getAddress();
        List<Multiaddr> others = claimed.stream()
                .filter(a ->
                        a.ip().filter(ip -> ip.getClass() != source.getClass()).isPresent())
                .toList();
        if (others.isEmpty()) {
            return;
        }
        host.probe(c.remotePeer(), others).thenAccept(ips -> {
            List<Multiaddr> confirmed = others.stream()
                    .filter(a -> ips.contains(a.ip().orElseThrow()))
                    .toList();
            if (!confirmed.isEmpty()) {
                LOG.debug("confirmed {} of {}", confirmed, c.remotePeer());
                dht.peerStore().add(c.remotePeer(), confirmed);
            }
        });
    }

    /** Connections the host refused or timed out during the upgrade (for metrics). */
    public HostCounters connectionCounters() {
        return host.counters();
    }

    /** Starts listening and bootstrapping; returns at once (use {@link #ready()} to wait for peers). */
    public static P2pNode start(P2pConfig cfg) {
        Ed25519Identity identity;
        try {
            identity = cfg.dataDir() == null ? Ed25519Identity.generate() : KeyFile.loadOrCreate(cfg.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the private key in " + cfg.dataDir(), e);
        }
        P2pNode node = new P2pNode(cfg, identity);
        try {
            node.startBootstrap();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
        return node;
    }

    private void startBootstrap() throws IOException {
        Bootstrapper b = switch (config.bootstrap()) {
            case BootstrapConfig.None n -> null;
            case BootstrapConfig.Static s -> new StaticBootstrapper(s.multiaddrs());
            case BootstrapConfig.Dns d -> new DnsBootstrapper(d.domain());
            case BootstrapConfig.Http h -> {
                if (h.serveAddress() != null && !h.serveAddress().isEmpty()) {
                    idServer = new HttpIdServer(
                            ListenAddress.parse(h.serveAddress()), () -> IdJson.format(host.peerId(), selfAddrs));
                }
                yield h.url() == null || h.url().isEmpty() ? null : new HttpBootstrapper(h.url(), h.certDir());
            }
        };
        if (b != null) {
            int port = host.boundAddresses().getFirst().getPort();
            bootstrap = new BootstrapLoop(b, host, dht, () -> selfAddrs, port, scheduler);
            bootstrap.start();
        }
    }

    /** Provides {@code keys} (digests or image references) now and every reprovide interval until withdrawn. */
    public void advertise(Collection<String> keys) {
        keys.forEach(k -> reprovider.add(Cid.ofKey(k).multihash().bytes()));
    }

    /** Stops reproviding {@code keys}; records at other peers expire after the provider validity. */
    public void withdraw(Collection<String> keys) {
        keys.forEach(k -> reprovider.remove(Cid.ofKey(k).multihash().bytes()));
    }

    /** Finds up to {@code count} providers of {@code key}, streamed as they arrive; never this node. */
    public ProviderStream lookup(String key, int count) {
        return lookup(key, count, false);
    }

    /**
     * As {@link #lookup(String, int)}; {@code fresh} asks the network again instead of the short-lived lookup cache
     * (after a provider failed, or for records that appear within milliseconds, as in-flight content does).
     */
    public ProviderStream lookup(String key, int count, boolean fresh) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive");
        }
        byte[] mh = Cid.ofKey(key).multihash().bytes();
        return lookups.get(key, count, fresh, shared -> {
                    long start = System.nanoTime();
                    AtomicInteger found = new AtomicInteger();
                    // Stop walking once enough providers arrived or the lookup timed out.
                    dht.findProviders(
                                    mh,
                                    p -> toProvider(p).ifPresent(pr -> {
                                        found.incrementAndGet();
                                        shared.add(pr);
                                    }),
                                    () -> shared.enough() || shared.done())
                            .orTimeout(config.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .whenComplete((v, e) -> {
                                shared.finish();
                                lookupListener.lookupDone(Duration.ofNanos(System.nanoTime() - start), found.get());
                            });
                })
                .reader(count);
    }

    /** Spegel uses only the IPs (its registry port is cluster-wide); a provider without any is useless. */
    private static Optional<Provider> toProvider(KadPeer p) {
        List<InetAddress> ips =
                p.addrs().stream().flatMap(a -> a.ip().stream()).distinct().toList();
        return ips.isEmpty() ? Optional.empty() : Optional.of(new Provider(p.id().toBase58(), ips));
    }

    /** Told about every DHT provider walk (cached lookups are not walks); for metrics. One listener; must not block. */
    public interface LookupListener {
        void lookupDone(Duration took, int providers);
    }

    public void onLookup(LookupListener listener) {
        this.lookupListener = Objects.requireNonNull(listener, "listener");
    }

    /** Peers in the routing table. */
    public int routingTableSize() {
        return dht.routingTable().size();
    }

    /** Provider records this node holds for the DHT (its own and other nodes'). */
    public int providerRecords() {
        return dht.providerStore().recordCount();
    }

    /** Keys this node advertises. */
    public int advertisedKeys() {
        return reprovider.size();
    }

    /** Runs that re-announced every advertised key (each interval, and on coming online) since start. */
    public long reprovideRuns() {
        return reprovider.runs();
    }

    /** True when the routing table is not empty. */
    public boolean ready() {
        return dht.routingTable().size() > 0;
    }

    /** Routing-table peers with their known IPs. */
    public List<Provider> peers() {
        return dht.routingTable().peers().stream()
                .map(p -> new Provider(
                        p.toBase58(),
                        dht.peerStore().get(p).stream()
                                .flatMap(a -> a.ip().stream())
                                .distinct()
                                .toList()))
                .toList();
    }

    public String peerId() {
        return host.peerId().toBase58();
    }

    /** The TCP addresses this node advertises (what other nodes dial). */
    public List<Multiaddr> listenAddrs() {
        return selfAddrs;
    }

    /** Test and debug access to the DHT. */
    Dht dht() {
        return dht;
    }

    Host host() {
        return host;
    }

    /** Test hook: dies without goodbye (no GO_AWAY, sockets just close). */
    void kill() {
        scheduler.shutdownNow();
        host.kill();
    }

    @Override
    public void close() {
        if (bootstrap != null) {
            bootstrap.close();
        }
        if (idServer != null) {
            idServer.close();
        }
        scheduler.shutdownNow();
        lookups.finishAll();
        host.close();
    }
}

package dev.speglar.agent;

import dev.speglar.agent.cli.BasicAuthFiles;
import dev.speglar.agent.debug.DebugWeb;
import dev.speglar.agent.debug.Diagnostics;
import dev.speglar.agent.routing.P2pRouter;
import dev.speglar.agent.sync.AdvertisedMetrics;
import dev.speglar.agent.sync.InFlightSync;
import dev.speglar.agent.sync.StateSync;
import dev.speglar.containerd.ContainerdStore;
import dev.speglar.containerd.IngestDirectory;
import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.host.ListenAddress;
import dev.speglar.registry.Readiness;
import dev.speglar.registry.RegistryServer;
import dev.speglar.registry.filter.PeerSharing;
import dev.speglar.registry.filter.ReferenceFilter;
import dev.speglar.registry.filter.ReferenceFilters;
import dev.speglar.registry.inflight.InFlightSharing;
import dev.speglar.registry.metrics.MetricsServer;
import dev.speglar.registry.mirror.MirrorConfig;
import dev.speglar.registry.mirror.PeerMirror;
import dev.speglar.registry.tags.FreshTags;
import dev.speglar.registry.tags.HttpUpstreamTags;
import dev.speglar.registry.tls.PeerTls;
import dev.speglar.routing.InMemoryRouter;
import dev.speglar.routing.Peer;
import dev.speglar.routing.Router;
import dev.speglar.store.ContentStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: content store, router, state sync, peer mirror, registry and metrics servers. Built in dependency
 * order and closed in reverse, so a failure half-way through start releases what was already started.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private ContentStore store;
    private Router router;
    private StateSync sync;
    private InFlightSync inFlightSync;
    /** How often containerd's ingests are scanned for in-flight records. */
    private static final java.time.Duration IN_FLIGHT_SCAN = java.time.Duration.ofMillis(200);

    private RegistryServer registry;
    /**
     * How long a stop lets registry responses in progress finish: below Kubernetes' default 30 s grace period, so the
     * agent still exits 0 by itself.
     */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

    private MetricsServer metricsServer;
    private PrometheusRegistry metrics;

    private Agent() {}

    public static Agent start(AgentConfig c) throws Exception {
        return start(c, ExtendedOptions.DEFAULTS);
    }

    public static Agent start(AgentConfig c, ExtendedOptions d) throws Exception {
        Agent a = new Agent();
        try {
            a.doStart(c, d);
            return a;
        } catch (Exception | Error e) {
            a.close();
            throw e;
        }
    }

    private void doStart(AgentConfig c, ExtendedOptions d) throws Exception {
        InetSocketAddress registryBind = ListenAddress.parse(c.listen().registryAddr());
        metrics = new PrometheusRegistry();
        ProcessMetrics.register(metrics);
        Optional<BasicAuthFiles> auth = BasicAuthFiles.load(c.serving().basicAuthDir());

        store = own(Stores.open(c.store()));
        ContainerdConfigFindings findings = new ContainerdConfigFindings(metrics);
        AgentConfig.Containerd ctd = c.store().containerd();
        if (c.store().kind() == AgentConfig.StoreKind.CONTAINERD && ctd != null && ctd.verifyConfig()) {
            // In the background: a slow or absent CRI plugin must not delay serving.
            Thread.ofVirtual()
                    .name("containerd-config-check")
                    .start(() -> findings.check(ctd.sock(), ctd.registryConfigPath(), Duration.ofSeconds(10)));
        }
        router = own(
                c.p2p().standalone()
                        ? standaloneRouter(registryBind)
                        : new P2pRouter(
                                P2pNode.start(Bootstraps.p2pConfig(c.listen().routerAddr(), c.p2p(), d)), metrics));
        if (router instanceof P2pRouter p) {
            RouterListenerMetrics.register(metrics, p.node().connectionCounters());
        }
        List<ReferenceFilter> filters = ReferenceFilters.fromFlags(
                c.serving().mirroredRegistries(), c.serving().registryFilters());
        sync = own(new StateSync(
                store,
                router,
                n -> ReferenceFilters.excluded(filters, n.registry(), n.repository(), n.tag()),
                c.resyncInterval(),
                new AdvertisedMetrics(metrics)));

        // The registry binds first so an ephemeral port (tests) is known before the mirror, which needs it, exists.
        MissHandlerSlot missHandler = new MissHandlerSlot();
        RegistryServer.Builder rb = RegistryServer.builder()
                .bind(registryBind)
                .store(store)
                .router(router)
                .missHandler(missHandler)
                .defaultRegistry(c.serving().defaultRegistry())
                .filters(filters)
                .metrics(metrics)
                .limits(d.listeners())
                .readiness(
                        c.p2p().standalone() || d.loneNodeReady()
                                ? Readiness.ROUTER_OR_LOCAL_CONTENT
                                : Bootstraps.runsAlone(c.p2p()) ? Readiness.ALWAYS : Readiness.ROUTER)
                .readinessNotes(findings::notes);
        auth.ifPresent(a -> rb.basicAuth(a.username(), a.password()));
        PeerTls peerTls = d.peerTlsDir() == null ? null : own(PeerTls.load(d.peerTlsDir(), Duration.ofSeconds(10)));
        rb.peerTls(peerTls);
        PeerSharing.counter(metrics); // documented series exist even while everything is shared
        FreshTags.counter(metrics);
        rb.sharing(sharing(c, d.sharing(), registryBind.getPort(), metrics));
        if (!d.freshTags().isEmpty()) {
            java.nio.file.Path hostsDir = ctd == null ? null : ctd.registryConfigPath();
            int ownPort = registryBind.getPort();
            rb.freshTags(new FreshTags(
                    d.freshTags(),
                    new HttpUpstreamTags(
                            new UpstreamUrls(hostsDir),
                            registry -> PrivateRegistries.authorization(hostsDir, registry, ownPort),
                            d.freshTags().timeout()),
                    metrics));
        }
        AgentConfig.Swarm swarm = c.mirror().swarm();
        InFlightSharing sharing = swarm.inFlightSharing() && !c.p2p().standalone() ? inFlight(swarm) : null;
        rb.inFlight(sharing).uploadLimit(swarm.uploadLimit());
        registry = own(rb.build());
        InetSocketAddress bound = registry.start();

        MirrorConfig.Builder mirrorConfig = MirrorConfig.builder(bound.getPort())
                .resolveTimeout(c.mirror().resolveTimeout())
                .resolveRetries(c.mirror().resolveRetries())
                .defaultRegistry(c.serving().defaultRegistry())
                .selfAddresses(SelfAddresses.of(bound.getAddress()));
        auth.ifPresent(a -> mirrorConfig.basicAuth(MirrorConfig.basicAuthHeader(a.username(), a.password())));
        mirrorConfig.peerTls(peerTls);
        PeerMirror mirror = own(new PeerMirror(router, mirrorConfig.build(), metrics, sharing));
        missHandler.set(mirror);

        metricsServer = own(new MetricsServer(ListenAddress.parse(c.listen().metricsAddr()), metrics, d.listeners()));
        if (c.debug().web()) {
            DebugWeb.Node node = new DebugWeb.Node(this::peerId, () -> localAddresses(bound), mirror::lastSuccess);
            metricsServer.route(
                    DebugWeb.PREFIX,
                    own(new DebugWeb(
                            node,
                            router,
                            store,
                            n -> ReferenceFilters.excluded(filters, n.registry(), n.repository(), n.tag()),
                            selfUrl(bound),
                            auth.map(a -> MirrorConfig.basicAuthHeader(a.username(), a.password()))
                                    .orElse(null))));
        }
        if (c.debug().diagnostics()) {
            metricsServer.route(Diagnostics.PREFIX, new Diagnostics());
        }
        InetSocketAddress metricsBound = metricsServer.start();
        log.atInfo()
                .addKeyValue("registry", bound)
                .addKeyValue("metrics", metricsBound)
                .addKeyValue("store", store.name())
                .addKeyValue(
                        "router",
                        c.p2p().standalone() ? "standalone" : c.listen().routerAddr())
                .addKeyValue("peer", router instanceof P2pRouter p ? p.node().peerId() : "")
                .log("running Speglar");
    }

    /** The libp2p peer id, or empty for a standalone node. */
    public String peerId() {
        return router instanceof P2pRouter p ? p.node().peerId() : "";
    }

    private List<InetAddress> localAddresses(InetSocketAddress registry) {
        if (router instanceof P2pRouter p) {
            return p.node().listenAddrs().stream()
                    .flatMap(a -> a.ip().stream())
                    .distinct()
                    .toList();
        }
        return registry.getAddress().isAnyLocalAddress() ? List.of() : List.of(registry.getAddress());
    }

    /** This node's registry as the node itself reaches it (loopback when listening on every address). */
    private static String selfUrl(InetSocketAddress bound) {
        InetAddress a = bound.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound.getAddress();
        String host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return "http://" + host + ":" + bound.getPort();
    }

    /** In-flight sharing reads containerd's ingests from its content directory; without that view it stays off. */
    private InFlightSharing inFlight(AgentConfig.Swarm c) {
        if (!(store instanceof ContainerdStore cs) || cs.contentPath().isEmpty()) {
            log.info("in-flight sharing is off: containerd's content directory is not visible here");
            return null;
        }
        IngestDirectory ingests = new IngestDirectory(cs.contentPath().get(), c.inFlightStall());
        inFlightSync = own(new InFlightSync(ingests, store, router, IN_FLIGHT_SCAN));
        InFlightSharing s = InFlightSharing.of(ingests, inFlightSync::announce).withStall(c.inFlightStall());
        return s.withSettle(c.inFlightSettle(), c.inFlightStall());
    }

    private static Router standaloneRouter(InetSocketAddress bind) {
        InMemoryRouter r = InMemoryRouter.standalone(new Peer("self", List.of(bind.getAddress()), 0));
        r.setReady(true);
        return r;
    }

    /** Null (share everything, upstream) unless a list is given or containerd holds credentials for a registry. */
    private static PeerSharing sharing(
            AgentConfig c, ExtendedOptions.Sharing s, int registryPort, PrometheusRegistry metrics) {
        Set<String> privateRegistries = s.privateByCredentials()
                ? PrivateRegistries.scan(c.store().containerd().registryConfigPath(), registryPort)
                : Set.of();
        if (s.allow().isEmpty() && s.deny().isEmpty() && privateRegistries.isEmpty()) {
            return null;
        }
        if (!privateRegistries.isEmpty()) {
            log.atInfo()
                    .addKeyValue("registries", privateRegistries)
                    .log("not sharing with peers: containerd holds credentials for these registries");
        }
        return new PeerSharing(s.allow(), s.deny(), privateRegistries, metrics);
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    public ContentStore store() {
        return store;
    }

    public Router router() {
        return router;
    }

    public StateSync sync() {
        return sync;
    }

    /** The in-flight record keeper, or null when in-flight sharing is off. */
    public InFlightSync inFlightSync() {
        return inFlightSync;
    }

    public InetSocketAddress registryAddress() {
        return registry.address();
    }

    /** The Prometheus registry {@code /metrics} serves. */
    public PrometheusRegistry metrics() {
        return metrics;
    }

    public InetSocketAddress metricsAddress() {
        return metricsServer.address();
    }

    /** Blocks until {@link #close()} or a termination signal. */
    public void awaitShutdown() throws Exception {
        try (AutoCloseable signals = Signals.onTermination(this::close)) {
            stopped.await();
        }
    }

    @Override
    public synchronized void close() {
        if (registry != null && !resources.isEmpty() && !registry.drain(DRAIN_TIMEOUT)) {
            log.warn("stopping with registry responses still running after {}", DRAIN_TIMEOUT);
        }
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                log.atWarn()
                        .setCause(e)
                        .log("error while stopping " + r.getClass().getSimpleName());
            }
        }
        stopped.countDown();
    }
}

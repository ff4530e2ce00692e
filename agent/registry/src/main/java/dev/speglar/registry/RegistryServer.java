package dev.speglar.registry;

import dev.speglar.registry.filter.PeerSharing;
import dev.speglar.registry.filter.ReferenceFilter;
import dev.speglar.registry.http.BasicAuth;
import dev.speglar.registry.http.BoundServer;
import dev.speglar.registry.http.DistributionPathParser;
import dev.speglar.registry.http.Drain;
import dev.speglar.registry.http.HttpExchangeHandler;
import dev.speglar.registry.http.RegistryHandler;
import dev.speglar.registry.http.Transport;
import dev.speglar.registry.inflight.InFlightSharing;
import dev.speglar.registry.listener.ListenerGuard;
import dev.speglar.registry.listener.ListenerLimits;
import dev.speglar.registry.metrics.HttpMetrics;
import dev.speglar.registry.tags.FreshTags;
import dev.speglar.registry.tls.PeerTls;
import dev.speglar.registry.tls.TlsOrLocal;
import dev.speglar.registry.tls.TlsRefusals;
import dev.speglar.routing.Router;
import dev.speglar.store.ContentStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The node's OCI registry: a read-only distribution API over the local {@link ContentStore}, handing misses to a
 * {@link MissHandler}. Built with {@link #builder()}, started with {@link #start()}, stopped with {@link #close()}.
 */
public final class RegistryServer implements AutoCloseable {
    /** Request lines longer than this are answered 414. */
    public static final int MAX_REQUEST_LINE = 8192;
    /** Header blocks larger than this are answered 431. */
    public static final int MAX_HEADER_SIZE = 16384;

    private final Builder b;
    private final RegistryHandler handler;
    private final HttpMetrics metrics;
    private final Drain drain = new Drain();
    private BoundServer server;

    private RegistryServer(Builder b) {
        this.b = b;
        this.metrics = b.metrics == null ? null : HttpMetrics.on(b.metrics);
        BasicAuth auth = b.user == null ? null : new BasicAuth(b.user, b.password);
        this.handler = new RegistryHandler(new RegistryHandler.Config(
                b.store,
                b.router,
                b.missHandler,
                new DistributionPathParser(b.defaultRegistry),
                List.copyOf(b.filters),
                auth,
                b.readiness,
                b.storeExecutor,
                b.readinessNotes,
                b.inFlight,
                b.uploadLimit,
                b.metrics,
                b.freshTags,
                b.sharing));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; returns the bound address (useful with port 0). */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        Transport t = b.transport.resolve();
        EventLoopGroup group = t.newGroup(b.ioThreads);
        ListenerGuard guard = new ListenerGuard("registry", b.limits, b.metrics);
        Consumer<String> tlsRefused = TlsRefusals.on(b.metrics);
        ServerBootstrap sb = new ServerBootstrap()
                .group(group)
                .channel(t.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        drain.opened(ch);
                        if (b.peerTls != null) {
                            ch.pipeline()
                                    .addLast(
                                            "tls-or-local", new TlsOrLocal(b.peerTls, b.bind.getAddress(), tlsRefused));
                        }
                        ch.pipeline()
                                .addLast(
                                        "codec",
                                        new HttpServerCodec(new HttpDecoderConfig()
                                                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                                                .setMaxHeaderSize(MAX_HEADER_SIZE)))
                                .addLast("deadline", guard.deadline())
                                .addLast("exchange", new HttpExchangeHandler(metrics, drain))
                                .addLast("chunked", new ChunkedWriteHandler())
                                .addLast("registry", handler);
                    }
                });
        server = BoundServer.bind(guard.install(sb), group, b.bind);
        return address();
    }

    /** The bound address; null before {@link #start()}. */
    public InetSocketAddress address() {
        return server == null ? null : server.address();
    }

    /**
     * Stops accepting and lets the responses in progress finish (idle connections close at once), for at most
     * {@code timeout}; {@link #close()} then closes whatever is left. False if some response was still running.
     */
    public synchronized boolean drain(Duration timeout) {
        if (server == null) {
            return true;
        }
        server.stopAccepting();
        return drain.await(timeout);
    }

    /** Stops accepting, closes connections and releases the event loops. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Configuration of a {@link RegistryServer}. Only {@link #store} is required. */
    public static final class Builder {
        private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
        private ContentStore store;
        private Router router;
        private MissHandler missHandler = NotFoundMissHandler.INSTANCE;
        private String defaultRegistry = "docker.io";
        private final List<ReferenceFilter> filters = new ArrayList<>();
        private String user;
        private String password;
        private PrometheusRegistry metrics;
        private Readiness readiness = Readiness.ROUTER;
        private java.util.function.Supplier<List<String>> readinessNotes = List::of;
        private Executor storeExecutor;
        private Transport transport = Transport.AUTO;
        private int ioThreads = 0;
        private InFlightSharing inFlight;
        private int uploadLimit;
        private ListenerLimits limits = ListenerLimits.DEFAULTS;
        private PeerTls peerTls;
        private FreshTags freshTags;
        private PeerSharing sharing;

        private Builder() {}

        /** Serves blobs this node is still receiving to peers ({@code --in-flight-sharing}); null (default) = off. */
        public Builder inFlight(InFlightSharing sharing) {
            this.inFlight = sharing;
            return this;
        }

        /** Most blob bodies served to peers at once ({@code --upload-limit}); 0 (default) = no limit. */
        public Builder uploadLimit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("upload limit must not be negative");
            }
            this.uploadLimit = limit;
            return this;
        }

        /** Listen address ({@code --registry-addr}); default 127.0.0.1 on an ephemeral port. */
        public Builder bind(InetSocketAddress bind) {
            this.bind = Objects.requireNonNull(bind, "bind");
            return this;
        }

        public Builder store(ContentStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Router for {@code /readyz}; without one the node reports ready only by local content, if so configured. */
        public Builder router(Router router) {
            this.router = router;
            return this;
        }

        /** Handles local misses of requests not forwarded by another node; default answers 404. */
        public Builder missHandler(MissHandler missHandler) {
            this.missHandler = Objects.requireNonNull(missHandler, "missHandler");
            return this;
        }

        /** Registry for tag requests without {@code ns} (Docker's mirror); default docker.io, empty requires ns. */
        public Builder defaultRegistry(String defaultRegistry) {
            this.defaultRegistry = defaultRegistry == null ? "" : defaultRegistry;
            return this;
        }

        /** Reference filters; an excluded request is answered 404. */
        public Builder filters(List<ReferenceFilter> filters) {
            this.filters.addAll(filters);
            return this;
        }

        /** Requires these credentials on {@code /v2/} (password may be empty). */
        public Builder basicAuth(String user, String password) {
            this.user = Objects.requireNonNull(user, "user");
            this.password = password == null ? "" : password;
            return this;
        }

        /** Records upstream's HTTP metrics on this registry. */
        public Builder metrics(PrometheusRegistry registry) {
            this.metrics = registry;
            return this;
        }

        public Builder readiness(Readiness readiness) {
            this.readiness = Objects.requireNonNull(readiness, "readiness");
            return this;
        }

        /**
         * Runs store lookups and blob opens on this executor instead of the event loop; for stores whose lookups may
         * block. The miss handler is then also called from it. Default: inline (for in-memory indexes).
         */
        /**
         * Findings shown by {@code GET /readyz?verbose} (one line each) that do not make the node unready, such as a
         * containerd setting that keeps this node's own pulls from using the mirror.
         */
        public Builder readinessNotes(java.util.function.Supplier<List<String>> notes) {
            this.readinessNotes = Objects.requireNonNull(notes, "notes");
            return this;
        }

        public Builder storeExecutor(Executor executor) {
            this.storeExecutor = executor;
            return this;
        }

        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** Event-loop threads; 0 means Netty's default (2 × cores). */
        public Builder ioThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("ioThreads must not be negative");
            }
            this.ioThreads = threads;
            return this;
        }

        /** Timeouts and connection caps of the listener; default {@link ListenerLimits#DEFAULTS}. */
        public Builder limits(ListenerLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Mutual TLS for peers; plain HTTP only from this node itself (see {@link TlsOrLocal}). Default off. */
        public Builder peerTls(PeerTls tls) {
            this.peerTls = tls;
            return this;
        }

        /** Upstream-first resolution of the tags its policy names; default off (tags resolved locally and by peers). */
        public Builder freshTags(FreshTags freshTags) {
            this.freshTags = freshTags;
            return this;
        }

        /** What is served to and asked of peers; default everything (upstream). */
        public Builder sharing(PeerSharing sharing) {
            this.sharing = sharing;
            return this;
        }

        public RegistryServer build() {
            Objects.requireNonNull(store, "store is required");
            return new RegistryServer(this);
        }
    }
}

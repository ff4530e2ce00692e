package dev.speglar.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the {@code registry} subcommand needs, grouped by concern and independent of the CLI so tests can
 * start agents in-process. {@code RegistryCommand#config()} is the one place that maps flags onto it.
 *
 * @param debug the debug pages served on the metrics address
 * @param resyncInterval how often the advertised keys are rebuilt from the store (missed events heal)
 */
public record AgentConfig(
        Listen listen, Store store, Serving serving, Mirror mirror, P2p p2p, Debug debug, Duration resyncInterval) {

    public AgentConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(serving, "serving");
        Objects.requireNonNull(mirror, "mirror");
        Objects.requireNonNull(p2p, "p2p");
        Objects.requireNonNull(debug, "debug");
        positive(resyncInterval, "--resync-interval");
    }

    /** Listen addresses ({@code :5000}, {@code 127.0.0.5:5000}, {@code [::1]:5000}). */
    public record Listen(String registryAddr, String routerAddr, String metricsAddr) {
        public Listen {
            Objects.requireNonNull(registryAddr, "--registry-addr");
            Objects.requireNonNull(routerAddr, "--router-addr");
            Objects.requireNonNull(metricsAddr, "--metrics-addr");
        }
    }

    /** Which content store serves the node's images. */
    public enum StoreKind {
        CONTAINERD("containerd"),
        OCI_LAYOUT("oci-layout");

        private final String flag;

        StoreKind(String flag) {
            this.flag = flag;
        }

        public String flag() {
            return flag;
        }

        public static StoreKind parse(String s) {
            for (StoreKind k : values()) {
                if (k.flag.equals(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown store '" + s + "' (containerd or oci-layout)");
        }
    }

    /**
     * The content store.
     *
     * @param ociLayouts OCI image layout directories ({@code path} or {@code registry/repo=path}) for {@code oci-layout}
     */
    public record Store(StoreKind kind, Containerd containerd, List<String> ociLayouts) {
        public Store {
            Objects.requireNonNull(kind, "--store");
            Objects.requireNonNull(containerd, "containerd");
            ociLayouts = List.copyOf(ociLayouts);
            if (kind == StoreKind.OCI_LAYOUT && ociLayouts.isEmpty()) {
                throw new IllegalArgumentException("the oci-layout store needs --oci-layout-dir");
            }
        }
    }

    /**
     * containerd access and the start-up check of its CRI configuration.
     *
     * @param contentPath content directory read directly, or null to read over the API
     * @param registryConfigPath with {@code verifyConfig}: containerd's config_path must include it (nullable)
     */
    public record Containerd(
            Path sock, List<String> namespaces, Path contentPath, boolean verifyConfig, Path registryConfigPath) {
        public Containerd {
            Objects.requireNonNull(sock, "--containerd-sock");
            namespaces = List.copyOf(namespaces);
        }
    }

    /** What the registry serves and to whom. {@code basicAuthDir} holds optional username/password files. */
    public record Serving(
            List<String> mirroredRegistries, List<String> registryFilters, String defaultRegistry, Path basicAuthDir) {
        public Serving {
            mirroredRegistries = List.copyOf(mirroredRegistries);
            registryFilters = List.copyOf(registryFilters);
            Objects.requireNonNull(defaultRegistry, "--default-registry");
            Objects.requireNonNull(basicAuthDir, "--basic-auth-dir");
        }
    }

    /** Fetching content this node lacks from peers, and sharing what it is still receiving. */
    public record Mirror(Duration resolveTimeout, int resolveRetries, Swarm swarm) {
        public Mirror {
            Objects.requireNonNull(resolveTimeout, "--mirror-resolve-timeout");
            Objects.requireNonNull(swarm, "swarm");
            if (resolveRetries < 1) {
                throw new IllegalArgumentException("--mirror-resolve-retries must be at least 1");
            }
        }

        /** With the default swarm settings. */
        public Mirror(Duration resolveTimeout, int resolveRetries) {
            this(resolveTimeout, resolveRetries, Swarm.DEFAULTS);
        }
    }

    /**
     * Many nodes pulling the same image at once.
     *
     * @param inFlightSharing serve blobs to peers while they still arrive and fetch from peers that are receiving them
     *     ({@code --in-flight-sharing}); false is upstream's behaviour: only complete content is shared
     * @param uploadLimit most blob bodies served to peers at once, 0 = no limit ({@code --upload-limit})
     * @param inFlightStall an arriving blob that does not grow for this long ends the streams following it
     * @param inFlightSettle after a miss no peer can serve, wait this long and look again for nodes that missed at the
     *     same moment before sending containerd upstream; zero skips it (for measuring the window it closes)
     */
    public record Swarm(boolean inFlightSharing, int uploadLimit, Duration inFlightStall, Duration inFlightSettle) {
        public static final Swarm DEFAULTS = new Swarm(true, 0, Duration.ofSeconds(5), Duration.ofMillis(30));

        public Swarm {
            if (uploadLimit < 0) {
                throw new IllegalArgumentException("--upload-limit must not be negative");
            }
            positive(inFlightStall, "--in-flight-stall");
            if (inFlightSettle == null || inFlightSettle.isNegative()) {
                throw new IllegalArgumentException("--in-flight-settle must not be negative");
            }
        }
    }

    /** How the node finds its first peers. */
    public enum BootstrapKind {
        STATIC,
        DNS,
        HTTP;

        public String flag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static BootstrapKind parse(String s) {
            for (BootstrapKind k : values()) {
                if (k.flag().equals(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown bootstrap kind '" + s + "' (static, dns or http)");
        }
    }

    /**
     * Bootstrap settings; only those of {@code kind} are used.
     *
     * @param httpCertDir ca.crt and/or tls.crt + tls.key for an https bootstrap URL (nullable)
     */
    public record Bootstrap(
            BootstrapKind kind,
            String dnsDomain,
            String httpAddr,
            String httpUrl,
            Path httpCertDir,
            List<String> staticPeers) {
        public Bootstrap {
            staticPeers = List.copyOf(staticPeers);
        }
    }

    /**
     * DHT timers (defaults as upstream Spegel / go-libp2p-kad-dht; see docs/operations.md).
     *
     * @param lookupTimeout upper bound of one provider lookup
     * @param requestTimeout wait for one Kademlia response from one peer
     * @param lookupRefreshAfter a cached, finished lookup with too few providers is re-run once it is this old
     */
    public record DhtTimeouts(Duration lookupTimeout, Duration requestTimeout, Duration lookupRefreshAfter) {
        public static final DhtTimeouts DEFAULTS =
                new DhtTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofMillis(2500));

        public DhtTimeouts {
            positive(lookupTimeout, "--dht-lookup-timeout");
            positive(requestTimeout, "--dht-request-timeout");
            positive(lookupRefreshAfter, "--dht-lookup-refresh-after");
        }
    }

    /**
     * Peer-to-peer routing; {@code standalone} runs a single node without it (always ready).
     *
     * @param bootstrap null only when standalone
     * @param dataDir keeps the P2P identity (nullable: a fresh identity per start)
     */
    public record P2p(boolean standalone, Bootstrap bootstrap, Path dataDir, DhtTimeouts dht) {
        public static final P2p STANDALONE = new P2p(true, null, null, DhtTimeouts.DEFAULTS);

        public P2p {
            Objects.requireNonNull(dht, "dht");
            if (!standalone && (bootstrap == null || bootstrap.kind() == null)) {
                throw new IllegalArgumentException(
                        "missing bootstrap kind (use --bootstrap-kind static|dns|http, or --standalone for a single node)");
            }
        }
    }

    /**
     * Debug pages on the metrics address.
     *
     * @param web the debug web UI under {@code /debug/web/} (on by default, as upstream)
     * @param diagnostics thread dumps and flight recordings under {@code /debug/diagnostics/} (off by default)
     */
    public record Debug(boolean web, boolean diagnostics) {
        public static final Debug DEFAULTS = new Debug(true, false);
    }

    private static void positive(Duration d, String flag) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(flag + " must be a positive duration, got " + d);
        }
    }
}

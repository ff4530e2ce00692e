package dev.speglar.agent.cli;

import dev.speglar.agent.Agent;
import dev.speglar.agent.AgentConfig;
import dev.speglar.agent.AgentConfig.BootstrapKind;
import dev.speglar.agent.AgentConfig.StoreKind;
import dev.speglar.agent.ExtendedOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The long-running agent: registry server, content store watcher, P2P router. Flags and env vars as upstream. */
@Command(
        name = "registry",
        mixinStandardHelpOptions = true,
        description = "Serve the node's images as a read-only OCI registry and find missing content on peers.")
public final class RegistryCommand implements Callable<Integer> {

    @Option(
            names = "--registry-addr",
            defaultValue = "${env:REGISTRY_ADDR:-:5000}",
            description = "Registry listen address; its port is assumed for peers too.")
    String registryAddr;

    @Option(names = "--router-addr", defaultValue = "${env:ROUTER_ADDR:-:5001}", description = "libp2p listen address.")
    String routerAddr;

    @Option(
            names = "--metrics-addr",
            defaultValue = "${env:METRICS_ADDR:-:9090}",
            description = "Prometheus metrics listen address.")
    String metricsAddr;

    @Option(
            names = "--store",
            defaultValue = "${env:SPEGLAR_STORE:-containerd}",
            converter = Converters.Store.class,
            description = "containerd or oci-layout.")
    StoreKind store;

    @Option(names = "--containerd-sock", defaultValue = "${env:CONTAINERD_SOCK:-/run/containerd/containerd.sock}")
    Path containerdSock;

    @Option(
            names = "--containerd-namespace",
            arity = "1..*",
            split = ",",
            defaultValue = "${env:CONTAINERD_NAMESPACE:-k8s.io}",
            description = "containerd namespaces to serve (repeatable: k8s.io, moby).")
    List<String> containerdNamespaces = new ArrayList<>();

    @Option(
            names = "--containerd-content-path",
            defaultValue = "${env:CONTAINERD_CONTENT_PATH:-/var/lib/containerd/io.containerd.content.v1.content}",
            description = "containerd content store directory; empty reads content over the API.")
    String containerdContentPath;

    @Option(
            names = "--oci-layout-dir",
            arity = "1..*",
            split = ",",
            defaultValue = "${env:OCI_LAYOUT_DIR}",
            description = "OCI image layout directories for --store=oci-layout: PATH, or REGISTRY/REPO=PATH to name "
                    + "images whose index.json carries bare tags (as skopeo and umoci write).")
    List<String> ociLayouts = new ArrayList<>();

    @Option(names = "--data-dir", defaultValue = "${env:DATA_DIR}", description = "Where the P2P identity key is kept.")
    Path dataDir;

    @Option(names = "--mirrored-registries", arity = "0..*", split = ",", defaultValue = "${env:MIRRORED_REGISTRIES}")
    List<String> mirroredRegistries = new ArrayList<>();

    @Option(
            names = "--registry-filters",
            arity = "0..*",
            split = ",",
            defaultValue = "${env:REGISTRY_FILTERS}",
            description = "Regular expressions; matching references are neither served nor advertised.")
    List<String> registryFilters = new ArrayList<>();

    @Option(
            names = "--default-registry",
            defaultValue = "${env:DEFAULT_REGISTRY:-docker.io}",
            description =
                    "Registry for requests without ?ns= (Docker's --registry-mirror) (default: ${DEFAULT-VALUE}).")
    String defaultRegistry;

    @Option(names = "--mirror-resolve-timeout", defaultValue = "${env:MIRROR_RESOLVE_TIMEOUT:-20ms}")
    Duration mirrorResolveTimeout;

    @Option(names = "--mirror-resolve-retries", defaultValue = "${env:MIRROR_RESOLVE_RETRIES:-3}")
    int mirrorResolveRetries;

    @Option(
            names = "--debug-web-enabled",
            arity = "0..1",
            defaultValue = "${env:DEBUG_WEB_ENABLED:-true}",
            fallbackValue = "true",
            description =
                    "Serve the debug web UI under /debug/web/ on the metrics address (default: ${DEFAULT-VALUE}).")
    boolean debugWebEnabled;

    @Option(
            names = "--debug-diagnostics-enabled",
            arity = "0..1",
            defaultValue = "${env:DEBUG_DIAGNOSTICS_ENABLED:-false}",
            fallbackValue = "true",
            description = "Serve thread dumps and JFR recordings under /debug/diagnostics/ on the "
                    + "metrics address (default: ${DEFAULT-VALUE}).")
    boolean debugDiagnosticsEnabled;

    @Option(
            names = "--bootstrap-kind",
            defaultValue = "${env:BOOTSTRAP_KIND}",
            converter = Converters.Bootstrap.class,
            description = "static, dns or http.")
    BootstrapKind bootstrapKind;

    @Option(names = "--dns-bootstrap-domain", defaultValue = "${env:DNS_BOOTSTRAP_DOMAIN}")
    String dnsBootstrapDomain;

    @Option(names = "--http-bootstrap-addr", defaultValue = "${env:HTTP_BOOTSTRAP_ADDR}")
    String httpBootstrapAddr;

    @Option(names = "--http-bootstrap-url", defaultValue = "${env:HTTP_BOOTSTRAP_URL}")
    String httpBootstrapUrl;

    @Option(
            names = "--http-bootstrap-peer",
            defaultValue = "${env:HTTP_BOOTSTRAP_PEER}",
            description = "Spegel v0.7.4's form: base URL of a peer's bootstrap server; /id is appended.")
    String httpBootstrapPeer;

    @Option(
            names = "--http-bootstrap-cert-dir",
            defaultValue = "${env:HTTP_BOOTSTRAP_CERT_DIR}",
            description =
                    "Directory with ca.crt (optional) and tls.crt + tls.key (optional pair) for the HTTP bootstrap client.")
    Path httpBootstrapCertDir;

    @Option(
            names = "--static-bootstrap-peers",
            arity = "0..*",
            split = ",",
            defaultValue = "${env:STATIC_BOOTSTRAP_PEERS}")
    List<String> staticBootstrapPeers = new ArrayList<>();

    @Option(
            names = "--standalone",
            arity = "0..1",
            defaultValue = "${env:SPEGLAR_STANDALONE:-false}",
            fallbackValue = "true",
            description = "Run a single node without P2P (serves local content; always ready).")
    boolean standalone;

    @Option(
            names = "--verify-containerd-config",
            arity = "0..1",
            defaultValue = "${env:VERIFY_CONTAINERD_CONFIG:-true}",
            fallbackValue = "true",
            description = "Check containerd's CRI config_path and discard_unpacked_layers at start.")
    boolean verifyContainerdConfig;

    @Option(
            names = "--containerd-registry-config-path",
            defaultValue = "${env:CONTAINERD_REGISTRY_CONFIG_PATH}",
            description =
                    "If set, the start-up check also requires containerd's config_path to include this directory.")
    String containerdRegistryConfigPath;

    @Mixin
    ExtendedFlags extended = new ExtendedFlags();

    @Option(names = "--basic-auth-dir", hidden = true, defaultValue = "/etc/secrets/basic-auth")
    Path basicAuthDir;

    @Option(
            names = "--in-flight-sharing",
            arity = "0..1",
            defaultValue = "${env:IN_FLIGHT_SHARING:-true}",
            fallbackValue = "true",
            description =
                    "Serve blobs to peers while they still arrive and fetch from peers that "
                            + "are receiving them; false = upstream behaviour, only complete content (default: ${DEFAULT-VALUE}).")
    boolean inFlightSharing;

    @Option(
            names = "--upload-limit",
            defaultValue = "${env:UPLOAD_LIMIT:-0}",
            description = "Most blob bodies served to peers at once; more are answered 503 so the peer asks another "
                    + "node. 0 = no limit (default: ${DEFAULT-VALUE}).")
    int uploadLimit;

    @Option(names = "--in-flight-stall", hidden = true, defaultValue = "${env:IN_FLIGHT_STALL:-5s}")
    Duration inFlightStall;

    @Option(names = "--in-flight-settle", hidden = true, defaultValue = "${env:IN_FLIGHT_SETTLE:-30ms}")
    Duration inFlightSettle;

    @Option(names = "--resync-interval", hidden = true, defaultValue = "1m")
    Duration resyncInterval;

    @Option(
            names = "--dht-lookup-timeout",
            defaultValue = "${env:DHT_LOOKUP_TIMEOUT:-20s}",
            description = "Upper bound of one DHT provider lookup (default: ${DEFAULT-VALUE}).")
    Duration dhtLookupTimeout;

    @Option(
            names = "--dht-request-timeout",
            defaultValue = "${env:DHT_REQUEST_TIMEOUT:-10s}",
            description =
                    "Wait for one Kademlia response from one peer, as go-libp2p-kad-dht (default: ${DEFAULT-VALUE}).")
    Duration dhtRequestTimeout;

    @Option(
            names = "--dht-lookup-refresh-after",
            defaultValue = "${env:DHT_LOOKUP_REFRESH_AFTER:-2.5s}",
            description =
                    "A cached lookup with too few providers is re-run once this old, as upstream (default: ${DEFAULT-VALUE}).")
    Duration dhtLookupRefreshAfter;

    /** The one place that maps the flags onto the typed configuration. */
    public AgentConfig config() {
        var listen = new AgentConfig.Listen(registryAddr, routerAddr, metricsAddr);
        var containerd = new AgentConfig.Containerd(
                containerdSock,
                ConfigurationCommand.nonBlank(containerdNamespaces),
                path(containerdContentPath),
                verifyContainerdConfig,
                path(containerdRegistryConfigPath));
        var storeConfig = new AgentConfig.Store(store, containerd, ConfigurationCommand.nonBlank(ociLayouts));
        var serving = new AgentConfig.Serving(
                ConfigurationCommand.nonBlank(mirroredRegistries),
                ConfigurationCommand.nonBlank(registryFilters),
                defaultRegistry,
                basicAuthDir);
        var mirror = new AgentConfig.Mirror(
                mirrorResolveTimeout,
                mirrorResolveRetries,
                new AgentConfig.Swarm(inFlightSharing, uploadLimit, inFlightStall, inFlightSettle));
        var bootstrap = bootstrapKind == null
                ? null
                : new AgentConfig.Bootstrap(
                        bootstrapKind,
                        dnsBootstrapDomain,
                        httpBootstrapAddr,
                        httpBootstrapUrl(),
                        httpBootstrapCertDir,
                        ConfigurationCommand.nonBlank(staticBootstrapPeers));
        var dht = new AgentConfig.DhtTimeouts(dhtLookupTimeout, dhtRequestTimeout, dhtLookupRefreshAfter);
        var p2p = new AgentConfig.P2p(standalone, bootstrap, dataDir, dht);
        var debug = new AgentConfig.Debug(debugWebEnabled, debugDiagnosticsEnabled);
        return new AgentConfig(listen, storeConfig, serving, mirror, p2p, debug, resyncInterval);
    }

    /** The settings beyond upstream's flags (listener guards, lone-node readiness, ...). */
    public ExtendedOptions extendedOptions() {
        return extended.options();
    }

    /** Parses {@code registry} flags (with env var defaults) into a configuration, as {@code speglar-agent registry} would. */
    public static AgentConfig parse(String... args) {
        RegistryCommand cmd = new RegistryCommand();
        new picocli.CommandLine(cmd)
                .registerConverter(Duration.class, new GoDuration())
                .parseArgs(args);
        return cmd.config();
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.trim());
    }

    /** {@code --http-bootstrap-url}, or v0.7.4's {@code --http-bootstrap-peer} plus {@code /id} as that release fetched. */
    String httpBootstrapUrl() {
        boolean url = httpBootstrapUrl != null && !httpBootstrapUrl.isBlank();
        boolean peer = httpBootstrapPeer != null && !httpBootstrapPeer.isBlank();
        if (url && peer) {
            throw new IllegalArgumentException(
                    "--http-bootstrap-url and --http-bootstrap-peer (its v0.7.4 form) exclude " + "each other");
        }
        return peer ? httpBootstrapPeer + "/id" : httpBootstrapUrl;
    }

    @Override
    public Integer call() throws Exception {
        try (Agent agent = Agent.start(config(), extendedOptions())) {
            agent.awaitShutdown();
        }
        return 0;
    }
}

package dev.speglar.agent.cli;

import dev.speglar.agent.ExtendedOptions;
import dev.speglar.registry.listener.ListenerLimits;
import dev.speglar.registry.tags.TagPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Flags of {@link ExtendedOptions}, mixed into the {@code registry} command. */
public final class ExtendedFlags {
    @Option(
            names = "--listener-header-timeout",
            defaultValue = "${env:LISTENER_HEADER_TIMEOUT:-10s}",
            description =
                    "Close a registry/metrics connection that has not sent a complete request head this long after "
                            + "connecting (0 = never) (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(
            names = "--listener-idle-timeout",
            defaultValue = "${env:LISTENER_IDLE_TIMEOUT:-120s}",
            description =
                    "Close a keep-alive connection idle this long between requests (0 = never) (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(
            names = "--listener-max-connections",
            defaultValue = "${env:LISTENER_MAX_CONNECTIONS:-2048}",
            description =
                    "Open connections per listener; more are closed at accept (0 = no cap) (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--listener-max-connections-per-source",
            defaultValue = "${env:LISTENER_MAX_CONNECTIONS_PER_SOURCE:-512}",
            description = "Open connections per listener from one IP address (0 = no cap) (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerSource;

    @Option(
            names = "--router-max-connections-per-source",
            defaultValue = "${env:ROUTER_MAX_CONNECTIONS_PER_SOURCE:-32}",
            description = "Inbound libp2p connections on --router-addr from one IP address (per address, never per "
                    + "subnet) (default: ${DEFAULT-VALUE}).")
    int routerMaxConnectionsPerSource;

    @Option(
            names = "--lone-node-ready",
            arity = "0..1",
            defaultValue = "${env:LONE_NODE_READY:-false}",
            fallbackValue = "true",
            description = "Report ready without peers while this node serves images of its own "
                    + "(upstream: a node without peers is never ready) (default: ${DEFAULT-VALUE}).")
    boolean loneNodeReady;

    @Option(
            names = "--peer-tls-dir",
            defaultValue = "${env:PEER_TLS_DIR}",
            description =
                    "Directory with ca.crt, tls.crt and tls.key: agents talk to each other over mutual TLS, and plain "
                            + "HTTP is served only to this node itself (containerd). Re-read when the files change.")
    Path peerTlsDir;

    @Option(
            names = "--fresh-tags",
            arity = "0..*",
            split = ",",
            defaultValue = "${env:FRESH_TAGS}",
            description = "Tag patterns resolved at the tag's registry first (latest, *-SNAPSHOT, library/app:*); the "
                    + "local and peer answer is the fallback when it is down or slow. Default: none (upstream).")
    List<String> freshTags = new ArrayList<>();

    @Option(
            names = "--fresh-tags-timeout",
            defaultValue = "${env:FRESH_TAGS_TIMEOUT:-500ms}",
            description = "How long the tag's registry gets to answer (default: ${DEFAULT-VALUE}).")
    Duration freshTagsTimeout;

    @Option(
            names = "--peer-share-allow",
            arity = "0..*",
            split = ",",
            defaultValue = "${env:PEER_SHARE_ALLOW}",
            description =
                    "registry/repository globs always served to and asked of peers (overrides private registries).")
    List<String> shareAllow = new ArrayList<>();

    @Option(
            names = "--peer-share-deny",
            arity = "0..*",
            split = ",",
            defaultValue = "${env:PEER_SHARE_DENY}",
            description = "registry/repository globs never served to or asked of peers (containerd gets 404 and pulls "
                    + "from the registry with its own credentials).")
    List<String> shareDeny = new ArrayList<>();

    @Option(
            names = "--peer-share-private-registries",
            arity = "0..1",
            defaultValue = "${env:PEER_SHARE_PRIVATE_REGISTRIES:-false}",
            fallbackValue = "true",
            description = "Also share registries containerd holds credentials for (default: ${DEFAULT-VALUE}: they are "
                    + "private, found in --containerd-registry-config-path).")
    boolean sharePrivate;

    public ExtendedOptions options() {
        return ExtendedOptions.DEFAULTS
                .withListeners(new ListenerLimits(headerTimeout, idleTimeout, maxConnections, maxConnectionsPerSource))
                .withLoneNodeReady(loneNodeReady)
                .withRouterMaxConnectionsPerSource(routerMaxConnectionsPerSource)
                .withPeerTlsDir(peerTlsDir)
                .withFreshTags(new TagPolicy(
                        freshTags.stream().filter(t -> !t.isBlank()).toList(), freshTagsTimeout))
                .withSharing(new ExtendedOptions.Sharing(nonBlank(shareAllow), nonBlank(shareDeny), !sharePrivate));
    }

    private static List<String> nonBlank(List<String> l) {
        return l.stream().filter(s -> !s.isBlank()).toList();
    }
}

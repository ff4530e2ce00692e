package dev.speglar.agent;

import dev.speglar.registry.listener.ListenerLimits;
import dev.speglar.registry.tags.TagPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Agent settings beyond upstream Spegel's flags. Kept apart from {@link AgentConfig} so that one stays one-to-one
 * with upstream's flags.
 *
 * @param listeners timeouts and connection caps of the registry and metrics listeners
 * @param loneNodeReady report ready without peers while this node serves images of its own (upstream: never)
 * @param peerTlsDir {@code ca.crt}, {@code tls.crt}, {@code tls.key} for mutual TLS between agents; null: plain HTTP
 * @param freshTags tags resolved at their registry first (empty: none, upstream's behaviour)
 * @param sharing what is served to and asked of peers
 * @param routerMaxConnectionsPerSource inbound libp2p connections from one IP address (per address, never per subnet)
 */
public record ExtendedOptions(
        ListenerLimits listeners,
        boolean loneNodeReady,
        Path peerTlsDir,
        TagPolicy freshTags,
        Sharing sharing,
        int routerMaxConnectionsPerSource) {
    public static final ExtendedOptions DEFAULTS = new ExtendedOptions(
            ListenerLimits.DEFAULTS,
            false,
            null,
            new TagPolicy(List.of(), Duration.ofMillis(500)),
            new Sharing(List.of(), List.of(), true),
            32);

    /**
     * @param allow {@code registry/repository} globs always shared
     * @param deny globs never shared
     * @param privateByCredentials registries with credentials in containerd's config are not shared unless allowed
     */
    public record Sharing(List<String> allow, List<String> deny, boolean privateByCredentials) {
        public Sharing {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }
    }

    public ExtendedOptions {
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(freshTags, "freshTags");
        Objects.requireNonNull(sharing, "sharing");
        if (routerMaxConnectionsPerSource < 1) {
            throw new IllegalArgumentException("--router-max-connections-per-source must be at least 1");
        }
    }

    public ExtendedOptions withListeners(ListenerLimits l) {
        return new ExtendedOptions(l, loneNodeReady, peerTlsDir, freshTags, sharing, routerMaxConnectionsPerSource);
    }

    public ExtendedOptions withLoneNodeReady(boolean on) {
        return new ExtendedOptions(listeners, on, peerTlsDir, freshTags, sharing, routerMaxConnectionsPerSource);
    }

    public ExtendedOptions withPeerTlsDir(Path dir) {
        return new ExtendedOptions(listeners, loneNodeReady, dir, freshTags, sharing, routerMaxConnectionsPerSource);
    }

    public ExtendedOptions withSharing(Sharing s) {
        return new ExtendedOptions(listeners, loneNodeReady, peerTlsDir, freshTags, s, routerMaxConnectionsPerSource);
    }

    public ExtendedOptions withRouterMaxConnectionsPerSource(int n) {
        return new ExtendedOptions(listeners, loneNodeReady, peerTlsDir, freshTags, sharing, n);
    }

    public ExtendedOptions withFreshTags(TagPolicy policy) {
        return new ExtendedOptions(
                listeners, loneNodeReady, peerTlsDir, policy, sharing, routerMaxConnectionsPerSource);
    }
}

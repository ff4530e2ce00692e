package dev.speglar.registry.filter;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What this node shares with peers, in both directions: content it serves to a peer's request, and content it asks
 * peers for. Patterns are globs over {@code registry/repository} ({@code ghcr.io/acme/*}, {@code registry.internal/*}).
 * A deny match refuses; an allow match shares; otherwise a registry this node holds credentials for is private
 * (refused), and everything else is shared. A refused request is answered 404, so containerd goes to the registry
 * itself, with its own credentials.
 */
public final class PeerSharing {
    private final List<Pattern> allow;
    private final List<Pattern> deny;
    private final Set<String> privateRegistries;
    private final Counter refused;

    public PeerSharing(
            List<String> allow, List<String> deny, Set<String> privateRegistries, PrometheusRegistry metrics) {
        this.allow = allow.stream().map(PeerSharing::glob).toList();
        this.deny = deny.stream().map(PeerSharing::glob).toList();
        this.privateRegistries = Set.copyOf(privateRegistries);
        this.refused = metrics == null ? null : counter(metrics);
    }

    private static final java.util.Map<PrometheusRegistry, Counter> COUNTERS = new java.util.WeakHashMap<>();

    /** The refusal counter on {@code metrics}, registered once (so the family exists even while sharing is open). */
    public static Counter counter(PrometheusRegistry metrics) {
        synchronized (COUNTERS) {
            return COUNTERS.computeIfAbsent(
                    metrics,
                    r -> Counter.builder()
                            .name("speglar_peer_sharing_refused_total")
                            .help(
                                    "Requests not shared with peers (direction: serve = a peer asked us, ask = we did not ask peers).")
                            .labelNames("direction", "registry")
                            .register(r));
        }
    }

    public boolean shares(String registry, String repository) {
        String subject = registry + "/" + repository;
        if (deny.stream().anyMatch(p -> p.matcher(subject).matches())) {
            return false;
        }
        if (allow.stream().anyMatch(p -> p.matcher(subject).matches())) {
            return true;
        }
        return !privateRegistries.contains(registry);
    }

    /** Counts a refusal; {@code direction} is {@code serve} or {@code ask}. */
    public void refused(String direction, String registry) {
        if (refused != null) {
            refused.labelValues(direction, registry.isEmpty() ? "unknown" : registry)
                    .inc();
        }
    }

    private static Pattern glob(String p) {
        if (p.isBlank() || !p.contains("/")) {
            throw new IllegalArgumentException(
                    "sharing pattern must look like registry/repository (globs allowed): '" + p + "'");
        }
        StringBuilder re = new StringBuilder();
        for (String part : p.split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }
}

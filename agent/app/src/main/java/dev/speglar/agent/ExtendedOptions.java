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
 */
public record ExtendedOptions(ListenerLimits listeners, boolean loneNodeReady, Path peerTlsDir, TagPolicy freshTags) {
  public static final ExtendedOptions DEFAULTS = new ExtendedOptions(ListenerLimits.DEFAULTS, false, null,
      new TagPolicy(List.of(), Duration.ofMillis(500)));

  public ExtendedOptions {
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(freshTags, "freshTags");
  }

  public ExtendedOptions withListeners(ListenerLimits l) {
    return new ExtendedOptions(l, loneNodeReady, peerTlsDir, freshTags);
  }

  public ExtendedOptions withLoneNodeReady(boolean on) {
    return new ExtendedOptions(listeners, on, peerTlsDir, freshTags);
  }

  public ExtendedOptions withPeerTlsDir(Path dir) {
    return new ExtendedOptions(listeners, loneNodeReady, dir, freshTags);
  }

  public ExtendedOptions withFreshTags(TagPolicy policy) {
    return new ExtendedOptions(listeners, loneNodeReady, peerTlsDir, policy);
  }
}

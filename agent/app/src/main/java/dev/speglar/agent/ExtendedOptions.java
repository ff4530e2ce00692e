package dev.speglar.agent;

import dev.speglar.registry.listener.ListenerLimits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Agent settings beyond upstream Spegel's flags. Kept apart from {@link AgentConfig} so that one stays one-to-one
 * with upstream's flags.
 *
 * @param listeners timeouts and connection caps of the registry and metrics listeners
 * @param loneNodeReady report ready without peers while this node serves images of its own (upstream: never)
 * @param peerTlsDir {@code ca.crt}, {@code tls.crt}, {@code tls.key} for mutual TLS between agents; null: plain HTTP
 */
public record ExtendedOptions(ListenerLimits listeners, boolean loneNodeReady, Path peerTlsDir) {
  public static final ExtendedOptions DEFAULTS = new ExtendedOptions(ListenerLimits.DEFAULTS, false, null);

  public ExtendedOptions {
    Objects.requireNonNull(listeners, "listeners");
  }

  public ExtendedOptions withListeners(ListenerLimits l) {
    return new ExtendedOptions(l, loneNodeReady, peerTlsDir);
  }

  public ExtendedOptions withLoneNodeReady(boolean on) {
    return new ExtendedOptions(listeners, on, peerTlsDir);
  }

  public ExtendedOptions withPeerTlsDir(Path dir) {
    return new ExtendedOptions(listeners, loneNodeReady, dir);
  }
}

package dev.speglar.agent;

import dev.speglar.registry.listener.ListenerLimits;
import java.util.Objects;

/**
 * Agent settings beyond upstream Spegel's flags: how the data plane protects itself. Kept apart from
 * {@link AgentConfig} so upstream's settings stay one-to-one with upstream's flags.
 *
 * @param listeners timeouts and connection caps of the registry and metrics listeners
 */
public record DataPlaneOptions(ListenerLimits listeners) {
  public static final DataPlaneOptions DEFAULTS = new DataPlaneOptions(ListenerLimits.DEFAULTS);

  public DataPlaneOptions {
    Objects.requireNonNull(listeners, "listeners");
  }

  public DataPlaneOptions withListeners(ListenerLimits l) {
    return new DataPlaneOptions(l);
  }
}

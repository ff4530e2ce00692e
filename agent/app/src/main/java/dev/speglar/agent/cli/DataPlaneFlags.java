package dev.speglar.agent.cli;

import dev.speglar.agent.DataPlaneOptions;
import dev.speglar.registry.listener.ListenerLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Flags of {@link DataPlaneOptions}, mixed into the {@code registry} command. */
public final class DataPlaneFlags {
  @Option(names = "--listener-header-timeout", defaultValue = "${env:LISTENER_HEADER_TIMEOUT:-10s}",
      description = "Close a registry/metrics connection that has not sent a complete request head this long after "
          + "connecting (0 = never) (default: ${DEFAULT-VALUE}).")
  Duration headerTimeout;

  @Option(names = "--listener-idle-timeout", defaultValue = "${env:LISTENER_IDLE_TIMEOUT:-120s}",
      description = "Close a keep-alive connection idle this long between requests (0 = never) (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--listener-max-connections", defaultValue = "${env:LISTENER_MAX_CONNECTIONS:-2048}",
      description = "Open connections per listener; more are closed at accept (0 = no cap) (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--listener-max-connections-per-source", defaultValue = "${env:LISTENER_MAX_CONNECTIONS_PER_SOURCE:-512}",
      description = "Open connections per listener from one IP address (0 = no cap) (default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerSource;

  public DataPlaneOptions options() {
    return DataPlaneOptions.DEFAULTS.withListeners(
        new ListenerLimits(headerTimeout, idleTimeout, maxConnections, maxConnectionsPerSource));
  }
}

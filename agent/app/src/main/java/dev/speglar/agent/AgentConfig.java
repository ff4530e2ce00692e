package dev.speglar.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the {@code registry} subcommand needs, independent of the CLI so tests can start agents in-process.
 *
 * @param store {@code containerd} or {@code oci-layout}
 * @param ociLayouts OCI image layout directories ({@code path} or {@code registry/repo=path}) for {@code oci-layout}
 * @param standalone true to run without P2P (a single node serving local content; always ready)
 * @param inFlightSharing serve blobs to peers while they still arrive, and fetch from peers that are receiving them
 *     ({@code --in-flight-sharing}); false is upstream's behaviour: only complete content
 * @param uploadLimit most blob bodies served to peers at once, 0 = no limit ({@code --upload-limit})
 * @param inFlightStall an arriving blob that does not grow for this long ends the streams that follow it
 */
public record AgentConfig(
    String registryAddr,
    String routerAddr,
    String metricsAddr,
    String store,
    String containerdSock,
    List<String> containerdNamespaces,
    String containerdContentPath,
    List<String> ociLayouts,
    Path dataDir,
    List<String> mirroredRegistries,
    List<String> registryFilters,
    String defaultRegistry,
    Duration mirrorResolveTimeout,
    int mirrorResolveRetries,
    String bootstrapKind,
    String dnsBootstrapDomain,
    String httpBootstrapAddr,
    String httpBootstrapUrl,
    Path httpBootstrapCertDir,
    List<String> staticBootstrapPeers,
    boolean standalone,
    boolean verifyContainerdConfig,
    String containerdRegistryConfigPath,
    Path basicAuthDir,
    Duration resyncInterval,
    boolean inFlightSharing,
    int uploadLimit,
    Duration inFlightStall) {

  /** Defaults for the swarm settings: in-flight sharing on, no upload limit, 5 s stall. */
  public AgentConfig(String registryAddr, String routerAddr, String metricsAddr, String store, String containerdSock,
      List<String> containerdNamespaces, String containerdContentPath, List<String> ociLayouts, Path dataDir,
      List<String> mirroredRegistries, List<String> registryFilters, String defaultRegistry,
      Duration mirrorResolveTimeout, int mirrorResolveRetries, String bootstrapKind, String dnsBootstrapDomain,
      String httpBootstrapAddr, String httpBootstrapUrl, Path httpBootstrapCertDir, List<String> staticBootstrapPeers,
      boolean standalone, boolean verifyContainerdConfig, String containerdRegistryConfigPath, Path basicAuthDir,
      Duration resyncInterval) {
    this(registryAddr, routerAddr, metricsAddr, store, containerdSock, containerdNamespaces, containerdContentPath,
        ociLayouts, dataDir, mirroredRegistries, registryFilters, defaultRegistry, mirrorResolveTimeout,
        mirrorResolveRetries, bootstrapKind, dnsBootstrapDomain, httpBootstrapAddr, httpBootstrapUrl,
        httpBootstrapCertDir, staticBootstrapPeers, standalone, verifyContainerdConfig, containerdRegistryConfigPath,
        basicAuthDir, resyncInterval, true, 0, Duration.ofSeconds(5));
  }

  /** This configuration with other swarm settings. */
  public AgentConfig withSwarm(boolean sharing, int limit, Duration stall) {
    return new AgentConfig(registryAddr, routerAddr, metricsAddr, store, containerdSock, containerdNamespaces,
        containerdContentPath, ociLayouts, dataDir, mirroredRegistries, registryFilters, defaultRegistry,
        mirrorResolveTimeout, mirrorResolveRetries, bootstrapKind, dnsBootstrapDomain, httpBootstrapAddr,
        httpBootstrapUrl, httpBootstrapCertDir, staticBootstrapPeers, standalone, verifyContainerdConfig,
        containerdRegistryConfigPath, basicAuthDir, resyncInterval, sharing, limit, stall);
  }

  public AgentConfig {
    Objects.requireNonNull(registryAddr, "registryAddr");
    containerdNamespaces = List.copyOf(containerdNamespaces);
    ociLayouts = List.copyOf(ociLayouts);
    mirroredRegistries = List.copyOf(mirroredRegistries);
    registryFilters = List.copyOf(registryFilters);
    staticBootstrapPeers = List.copyOf(staticBootstrapPeers);
    if (uploadLimit < 0) {
      throw new IllegalArgumentException("--upload-limit must not be negative");
    }
    if (inFlightStall == null || inFlightStall.isNegative() || inFlightStall.isZero()) {
      throw new IllegalArgumentException("--in-flight-stall must be positive");
    }
    if (mirrorResolveRetries < 1) {
      throw new IllegalArgumentException("--mirror-resolve-retries must be at least 1");
    }
    if (!store.equals("containerd") && !store.equals("oci-layout")) {
      throw new IllegalArgumentException("unknown store '" + store + "' (containerd or oci-layout)");
    }
    if (store.equals("oci-layout") && ociLayouts.isEmpty()) {
      throw new IllegalArgumentException("the oci-layout store needs --oci-layout-dir");
    }
    if (!standalone && !List.of("static", "dns", "http").contains(bootstrapKind)) {
      throw new IllegalArgumentException("unknown bootstrap kind '" + bootstrapKind
          + "' (use --bootstrap-kind static|dns|http, or --standalone for a single node)");
    }
  }
}

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
    Duration resyncInterval) {

  public AgentConfig {
    Objects.requireNonNull(registryAddr, "registryAddr");
    containerdNamespaces = List.copyOf(containerdNamespaces);
    ociLayouts = List.copyOf(ociLayouts);
    mirroredRegistries = List.copyOf(mirroredRegistries);
    registryFilters = List.copyOf(registryFilters);
    staticBootstrapPeers = List.copyOf(staticBootstrapPeers);
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

package dev.speglar.agent;

import dev.speglar.agent.store.MultiStore;
import dev.speglar.containerd.ContainerdStore;
import dev.speglar.containerd.ContainerdStoreConfig;
import dev.speglar.store.ContentStore;
import dev.speglar.store.layout.LayoutSource;
import dev.speglar.store.layout.OciLayoutStore;
import java.io.IOException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import dev.speglar.containerd.cri.CriClient;
import dev.speglar.containerd.cri.CriConfigCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the content store the configuration names. */
final class Stores {
  private static final Logger log = LoggerFactory.getLogger(Stores.class);

  private Stores() {}

  static ContentStore open(AgentConfig.Store c) throws IOException {
    if (c.kind() == AgentConfig.StoreKind.OCI_LAYOUT) {
      List<ContentStore> stores = new ArrayList<>();
      try {
        for (String spec : c.ociLayouts()) {
          stores.add(OciLayoutStore.open(LayoutSource.parse(spec)));
        }
      } catch (IOException | RuntimeException e) {
        for (ContentStore s : stores) {
          s.close();
        }
        throw e;
      }
      return stores.size() == 1 ? stores.getFirst() : new MultiStore(stores);
    }
    AgentConfig.Containerd ctd = c.containerd();
    if (ctd.verifyConfig()) {
      verifyCri(ctd);
    }
    ContainerdStoreConfig cfg = ContainerdStoreConfig.of(ctd.sock(), ctd.namespaces());
    if (ctd.contentPath() != null) {
      cfg = cfg.withContentPath(ctd.contentPath());
    }
    return ContainerdStore.start(cfg);
  }

  /**
   * Upstream's start-up check: a mirror is useless when containerd ignores hosts.toml ({@code config_path} unset) or
   * drops layers after unpacking ({@code discard_unpacked_layers}); say which setting to change instead of serving
   * 404s forever. containerd 2.x does not report its CRI config, which only earns a warning.
   */
  private static void verifyCri(AgentConfig.Containerd c) {
    CriConfigCheck.Result r;
    try (CriClient cri = CriClient.connect(c.sock(), Duration.ofSeconds(10))) {
      r = CriConfigCheck.check(cri, c.registryConfigPath());
    }
    switch (r) {
      case CriConfigCheck.Result.Ok ok -> log.info(ok.message());
      case CriConfigCheck.Result.Unverifiable u -> log.warn(u.message());
      case CriConfigCheck.Result.Misconfigured m -> throw new IllegalStateException(m.message());
      case CriConfigCheck.Result.Unreachable u -> throw new IllegalStateException(u.message()
          + " (is --containerd-sock right? disable the check with --verify-containerd-config=false)");
    }
  }
}

package dev.speglar.agent;

import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;

/** Maps upstream's bootstrap flags onto the P2P configuration. */
final class Bootstraps {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Bootstraps.class);
  private Bootstraps() {}

  static P2pConfig p2pConfig(AgentConfig c) {
    BootstrapConfig b = switch (c.bootstrapKind()) {
      case "static" -> {
        if (runsAlone(c)) {
          // Upstream accepts an empty list: a lone node, or the first node the others' static lists name.
          log.info("no static bootstrap peers: this node runs alone and serves its own content until a peer dials it");
          yield BootstrapConfig.none();
        }
        yield BootstrapConfig.staticPeers(c.staticBootstrapPeers());
      }
      case "dns" -> {
        if (c.dnsBootstrapDomain() == null || c.dnsBootstrapDomain().isBlank()) {
          throw new IllegalArgumentException("--bootstrap-kind=dns needs --dns-bootstrap-domain");
        }
        yield new BootstrapConfig.Dns(c.dnsBootstrapDomain());
      }
      case "http" -> new BootstrapConfig.Http(blankToNull(c.httpBootstrapUrl()), blankToNull(c.httpBootstrapAddr()),
          c.httpBootstrapCertDir());
      default -> throw new IllegalArgumentException("unknown bootstrap kind " + c.bootstrapKind());
    };
    return P2pConfig.builder().listenAddress(c.routerAddr()).dataDir(c.dataDir()).bootstrap(b).build();
  }

  /** True for {@code --bootstrap-kind=static} without peers: nothing to wait for, so the node is ready at once. */
  static boolean runsAlone(AgentConfig c) {
    return !c.standalone() && c.bootstrapKind().equals("static") && c.staticBootstrapPeers().isEmpty();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}

package dev.speglar.agent;

import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;

/** Maps upstream's bootstrap flags onto the P2P configuration. */
final class Bootstraps {
  private Bootstraps() {}

  static P2pConfig p2pConfig(AgentConfig c) {
    BootstrapConfig b = switch (c.bootstrapKind()) {
      case "static" -> {
        if (c.staticBootstrapPeers().isEmpty()) {
          throw new IllegalArgumentException("--bootstrap-kind=static needs --static-bootstrap-peers");
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

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}

package dev.speglar.agent;

import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;

/** Maps upstream's bootstrap flags and the DHT timers onto the P2P configuration. */
public final class Bootstraps {
  private Bootstraps() {}

  public static P2pConfig p2pConfig(String routerAddr, AgentConfig.P2p c) {
    AgentConfig.Bootstrap bs = c.bootstrap();
    BootstrapConfig b = switch (bs.kind()) {
      case STATIC -> {
        if (bs.staticPeers().isEmpty()) {
          throw new IllegalArgumentException("--bootstrap-kind=static needs --static-bootstrap-peers");
        }
        yield BootstrapConfig.staticPeers(bs.staticPeers());
      }
      case DNS -> {
        if (bs.dnsDomain() == null || bs.dnsDomain().isBlank()) {
          throw new IllegalArgumentException("--bootstrap-kind=dns needs --dns-bootstrap-domain");
        }
        yield new BootstrapConfig.Dns(bs.dnsDomain());
      }
      case HTTP -> new BootstrapConfig.Http(blankToNull(bs.httpUrl()), blankToNull(bs.httpAddr()), bs.httpCertDir());
    };
    return P2pConfig.builder().listenAddress(routerAddr).dataDir(c.dataDir()).bootstrap(b)
        .lookupTimeout(c.dht().lookupTimeout())
        .requestTimeout(c.dht().requestTimeout())
        .lookupRefreshAfter(c.dht().lookupRefreshAfter())
        .build();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}

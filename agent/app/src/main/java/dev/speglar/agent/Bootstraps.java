package dev.speglar.agent;

import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;

/** Maps upstream's bootstrap flags and the DHT timers onto the P2P configuration. */
public final class Bootstraps {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Bootstraps.class);

    private Bootstraps() {}

    public static P2pConfig p2pConfig(String routerAddr, AgentConfig.P2p c) {
        return p2pConfig(routerAddr, c, ExtendedOptions.DEFAULTS);
    }

    public static P2pConfig p2pConfig(String routerAddr, AgentConfig.P2p c, ExtendedOptions x) {
        AgentConfig.Bootstrap bs = c.bootstrap();
        BootstrapConfig b = switch (bs.kind()) {
            case STATIC -> {
                if (runsAlone(c)) {
                    // Upstream accepts an empty list: a lone node, or the first node the others' static lists name.
                    log.info(
                            "no static bootstrap peers: this node runs alone and serves its own content until a peer dials it");
                    yield BootstrapConfig.none();
                }
                yield BootstrapConfig.staticPeers(bs.staticPeers());
            }
            case DNS -> {
                if (bs.dnsDomain() == null || bs.dnsDomain().isBlank()) {
                    throw new IllegalArgumentException("--bootstrap-kind=dns needs --dns-bootstrap-domain");
                }
                yield new BootstrapConfig.Dns(bs.dnsDomain());
            }
            case HTTP ->
                new BootstrapConfig.Http(blankToNull(bs.httpUrl()), blankToNull(bs.httpAddr()), bs.httpCertDir());
        };
        return P2pConfig.builder()
                .listenAddress(routerAddr)
                .dataDir(c.dataDir())
                .bootstrap(b)
                .lookupTimeout(c.dht().lookupTimeout())
                .requestTimeout(c.dht().requestTimeout())
                .lookupRefreshAfter(c.dht().lookupRefreshAfter())
                .maxInboundPerSource(x.routerMaxConnectionsPerSource())
                .build();
    }

    /** True for {@code --bootstrap-kind=static} without peers: nothing to wait for, so the node is ready at once. */
    static boolean runsAlone(AgentConfig.P2p c) {
        return !c.standalone()
                && c.bootstrap().kind() == AgentConfig.BootstrapKind.STATIC
                && c.bootstrap().staticPeers().isEmpty();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

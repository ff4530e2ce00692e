package dev.speglar.p2p.bootstrap;

import java.util.List;

/** A fixed list of multiaddrs (the /p2p part is optional). Parsed eagerly so bad config fails at start. */
public final class StaticBootstrapper implements Bootstrapper {
    private final List<BootstrapPeer> peers;

    public StaticBootstrapper(List<String> multiaddrs) {
        this.peers = multiaddrs.stream().map(BootstrapPeer::parse).toList();
    }

    @Override
    public List<BootstrapPeer> get() {
        return peers;
    }
}

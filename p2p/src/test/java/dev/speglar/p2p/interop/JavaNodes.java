package dev.speglar.p2p.interop;

import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;
import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts Java nodes on their own loopback address with test-friendly timeouts, and closes them all. */
final class JavaNodes implements AutoCloseable {
    private final List<P2pNode> nodes = new ArrayList<>();

    /** A node on {@code ip} (any free port) that bootstraps from {@code bootstrap} multiaddrs (may be empty). */
    P2pNode start(String ip, List<String> bootstrap) {
        P2pConfig cfg = P2pConfig.builder()
                .listenAddress(ip + ":0")
                .bootstrap(bootstrap.isEmpty() ? BootstrapConfig.none() : BootstrapConfig.staticPeers(bootstrap))
                .lookupTimeout(Duration.ofSeconds(10))
                .build();
        P2pNode node = P2pNode.start(cfg);
        synchronized (nodes) {
            nodes.add(node);
        }
        return node;
    }

    /** The node's first listen address with /p2p/&lt;id&gt;, as another peer dials it. */
    static String dialAddr(P2pNode node) {
        Multiaddr a = node.listenAddrs().getFirst();
        return a.withoutPeerId().withPeerId(PeerId.parse(node.peerId())).toString();
    }

    static InetSocketAddress socketAddr(P2pNode node) {
        return node.listenAddrs().getFirst().tcpSocketAddress().orElseThrow();
    }

    @Override
    public void close() {
        synchronized (nodes) {
            for (P2pNode n : nodes.reversed()) {
                n.close();
            }
            nodes.clear();
        }
    }
}

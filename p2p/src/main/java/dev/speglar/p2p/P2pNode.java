package dev.speglar.p2p;

import dev.speglar.p2p.multiformats.Multiaddr;
import java.util.Collection;
import java.util.List;

/** A libp2p host with a Kademlia DHT that joins upstream Spegel's network. Skeleton: being implemented. */
public final class P2pNode implements AutoCloseable {
    private P2pNode() {}

    public static P2pNode start(P2pConfig cfg) {
        throw new UnsupportedOperationException("P2pNode is being implemented");
    }

    /** Provides {@code keys} (digests or image references) now and every reprovide interval until withdrawn. */
    public void advertise(Collection<String> keys) {}

    /** Stops reproviding {@code keys}; records at other peers expire after the provider validity. */
    public void withdraw(Collection<String> keys) {}

    /** Finds up to {@code count} providers of {@code key}, streamed as they arrive; never this node. */
    public ProviderStream lookup(String key, int count) {
        throw new UnsupportedOperationException();
    }

    /** True when the routing table is not empty. */
    public boolean ready() {
        return false;
    }

    /** Routing-table peers with their known IPs. */
    public List<Provider> peers() {
        return List.of();
    }

    public String peerId() {
        return "";
    }

    public List<Multiaddr> listenAddrs() {
        return List.of();
    }

    @Override
    public void close() {}
}

package dev.speglar.registry.mirror;

import dev.speglar.routing.Peer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A peer and the socket addresses its registry is reached on, IPv6 first (as happy eyeballs prefers). {@code inFlight}
 * peers were found by their in-flight record: they are still receiving the blob themselves.
 */
record PeerTarget(Peer peer, List<InetSocketAddress> addresses, boolean inFlight) {

    PeerTarget {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address for peer " + peer.id());
        }
    }

    String id() {
        return peer.id();
    }

    /** The target for {@code peer}, or null when every address of it is this node itself. */
    static PeerTarget of(Peer peer, int localPort, Set<InetAddress> self) {
        return of(peer, localPort, self, false);
    }

    static PeerTarget of(Peer peer, int localPort, Set<InetAddress> self, boolean inFlight) {
        int port = peer.registryPort() != 0 ? peer.registryPort() : localPort;
        List<InetSocketAddress> addrs = peer.addresses().stream()
                .filter(a -> !(port == localPort && (self.contains(a) || a.isAnyLocalAddress())))
                .sorted(Comparator.comparingInt(a -> a instanceof Inet6Address ? 0 : 1))
                .map(a -> new InetSocketAddress(a, port))
                .toList();
        return addrs.isEmpty() ? null : new PeerTarget(peer, addrs, inFlight);
    }

    @Override
    public String toString() {
        return peer.id() + "@" + addresses.getFirst() + (inFlight ? " (in flight)" : "");
    }
}

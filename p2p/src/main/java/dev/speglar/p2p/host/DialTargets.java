package dev.speglar.p2p.host;

import dev.speglar.p2p.multiformats.Multiaddr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a peer's addresses to dial: TCP ones, never a wildcard, and only of a family this host listens on (a node
 * without an IPv6 listener could not be reached back over IPv6 either, and on a single-stack host the dial would fail).
 */
final class DialTargets {
    private DialTargets() {}

    static List<InetSocketAddress> of(List<Multiaddr> addrs, List<InetSocketAddress> bound) {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (Multiaddr a : addrs) {
            a.tcpSocketAddress()
                    .filter(s -> !s.getAddress().isAnyLocalAddress() && listensOnFamilyOf(s.getAddress(), bound))
                    .ifPresent(targets::add);
        }
        return targets;
    }

    private static boolean listensOnFamilyOf(InetAddress target, List<InetSocketAddress> bound) {
        if (bound.isEmpty()) {
            return true;
        }
        for (InetSocketAddress b : bound) {
            InetAddress ip = b.getAddress();
            // Java's "::" wildcard is a dual-stack socket; "0.0.0.0" is IPv4 only.
            if (ip.getClass() == target.getClass() || (ip.isAnyLocalAddress() && ip instanceof Inet6Address)) {
                return true;
            }
        }
        return false;
    }
}

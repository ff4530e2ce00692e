package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.Multiaddr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The addresses a peer may claim for itself: those at the IP its connection comes from, and those at IPs where it
 * completed a Noise handshake with this node (a dual-stack peer connected over IPv4 keeps its IPv6 address once
 * confirmed, see {@code Host#confirmedIps}). Anything else (another host, a loopback alias) could point the cluster's
 * fetches at a third party, so it is dropped; if nothing is left, the connection's IP with the first claimed TCP port
 * of its family stands in (the peer can name its own ports, never another host).
 */
final class OwnedAddresses {
    private OwnedAddresses() {}

    static List<Multiaddr> filter(InetAddress source, List<Multiaddr> claimed) {
        return filter(source, Set.of(), claimed);
    }

    static List<Multiaddr> filter(InetAddress source, Set<InetAddress> confirmed, List<Multiaddr> claimed) {
        if (source == null) {
            return List.of();
        }
        List<Multiaddr> out = new ArrayList<>();
        Integer firstPort = null;
        Integer firstSameFamilyPort = null;
        for (Multiaddr a : claimed) {
            if (a.ip().filter(ip -> ip.equals(source) || confirmed.contains(ip)).isPresent()) {
                out.add(a);
            }
            if (a.tcpSocketAddress().isPresent()) {
                int port = a.tcpPort().orElseThrow();
                if (firstPort == null) {
                    firstPort = port;
                }
                boolean sameFamily = (a.ip().orElseThrow() instanceof Inet6Address) == (source instanceof Inet6Address);
                if (firstSameFamilyPort == null && sameFamily) {
                    firstSameFamilyPort = port;
                }
            }
        }
        if (out.isEmpty() && firstPort != null) {
            out.add(Multiaddr.tcp(source, firstSameFamilyPort != null ? firstSameFamilyPort : firstPort));
        }
        return out;
    }
}

package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.Multiaddr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses a peer may claim for itself: only those at the IP its connection comes from. Anything else (another
 * host, a loopback alias) could point the cluster's fetches at a third party, so it is dropped; if nothing is left, the
 * connection's IP with the first claimed TCP port stands in (the peer can name its own ports, never another host).
 */
final class OwnedAddresses {
    private OwnedAddresses() {}

    static List<Multiaddr> filter(InetAddress source, List<Multiaddr> claimed) {
        if (source == null) {
            return List.of();
        }
        List<Multiaddr> out = new ArrayList<>();
        Integer firstPort = null;
        for (Multiaddr a : claimed) {
            if (a.ip().filter(source::equals).isPresent()) {
                out.add(a);
            }
            if (firstPort == null && a.tcpSocketAddress().isPresent()) {
                firstPort = a.tcpPort().orElseThrow();
            }
        }
        if (out.isEmpty() && firstPort != null) {
            out.add(Multiaddr.tcp(source, firstPort));
        }
        return out;
    }
}

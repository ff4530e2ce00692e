package dev.speglar.p2p.host;

import dev.speglar.p2p.multiformats.Multiaddr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses we advertise: bound IPs, wildcards expanded to interface addresses. Loopback is advertised only
 * when nothing else is available, so several nodes on 127.0.0.x work in tests while real nodes hide it.
 */
public final class SelfAddresses {
    private SelfAddresses() {}

    /** Each bound address keeps its own port (two listeners on ":0" get two different ones). */
    public static List<Multiaddr> of(List<InetSocketAddress> bound) {
        Set<Multiaddr> all = new LinkedHashSet<>();
        for (InetSocketAddress b : bound) {
            List<InetAddress> ips = b.getAddress().isAnyLocalAddress()
                    ? interfaceAddresses(b.getAddress() instanceof Inet4Address)
                    : List.of(b.getAddress());
            ips.forEach(ip -> all.add(Multiaddr.tcp(ip, b.getPort())));
        }
        List<Multiaddr> external = all.stream()
                .filter(a -> !a.ip().orElseThrow().isLoopbackAddress())
                .toList();
        if (!external.isEmpty()) {
            return external;
        }
        if (!all.isEmpty()) {
            return new ArrayList<>(all);
        }
        int port = bound.isEmpty() ? 0 : bound.getFirst().getPort();
        return List.of(Multiaddr.tcp(InetAddress.getLoopbackAddress(), port));
    }

    private static List<InetAddress> interfaceAddresses(boolean v4Only) {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLinkLocalAddress() && (!v4Only || a instanceof Inet4Address)) {
                        out.add(
                                a instanceof java.net.Inet6Address i6 && i6.getScopeId() != 0
                                        ? InetAddress.getByAddress(a.getAddress())
                                        : a);
                    }
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            // No interface list: fall back to loopback below.
        }
        return out;
    }
}

package dev.speglar.agent;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Set;

/** The addresses a request to this node could arrive on, so the mirror never forwards a request to itself. */
final class SelfAddresses {
    private SelfAddresses() {}

    static Set<InetAddress> of(InetAddress bind) throws SocketException {
        if (bind != null && !bind.isAnyLocalAddress()) {
            return Set.of(bind);
        }
        Set<InetAddress> all = new HashSet<>();
        var ifaces = NetworkInterface.getNetworkInterfaces();
        while (ifaces != null && ifaces.hasMoreElements()) {
            NetworkInterface i = ifaces.nextElement();
            i.getInterfaceAddresses().forEach(a -> all.add(a.getAddress()));
        }
        return all;
    }
}

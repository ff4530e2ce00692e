package dev.speglar.routing;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A node that holds a key. Its registry is reached on {@code addresses} at the local node's registry port (as
 * upstream Spegel assumes uniform ports), unless {@code registryPort} is given (non-zero; used when several nodes
 * share one host in tests).
 */
public record Peer(String id, List<InetAddress> addresses, int registryPort) {
    public Peer {
        Objects.requireNonNull(id, "id");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("peer " + id + " has no address");
        }
        if (registryPort < 0 || registryPort > 65535) {
            throw new IllegalArgumentException("bad port " + registryPort);
        }
    }
}

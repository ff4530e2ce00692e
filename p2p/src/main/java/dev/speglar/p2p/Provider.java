package dev.speglar.p2p;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/** A peer found in the DHT: its base58 peer id and the unique IPs of its ip4/ip6 addresses (ports are not used). */
public record Provider(String peerId, List<InetAddress> addresses) {
    public Provider {
        Objects.requireNonNull(peerId, "peerId");
        addresses = List.copyOf(addresses);
    }
}

package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.util.List;
import java.util.Objects;

/** A Peer entry of a Kademlia message: id plus binary multiaddrs (connection type is ignored). */
public record KadPeer(PeerId id, List<Multiaddr> addrs) {
    public KadPeer {
        Objects.requireNonNull(id, "id");
        addrs = List.copyOf(addrs);
    }
}

package dev.speglar.p2p.bootstrap;

import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.util.List;

/** A seed: its id when known (else learned from the Noise handshake) and addresses that may lack /tcp. */
public record BootstrapPeer(PeerId id, List<Multiaddr> addrs) {
    public BootstrapPeer {
        addrs = List.copyOf(addrs);
    }

    /** Parses a multiaddr with or without a trailing /p2p/<id>. */
    public static BootstrapPeer parse(String multiaddr) {
        Multiaddr m = Multiaddr.parse(multiaddr.trim());
        return new BootstrapPeer(m.peerId().orElse(null), List.of(m.withoutPeerId()));
    }
}

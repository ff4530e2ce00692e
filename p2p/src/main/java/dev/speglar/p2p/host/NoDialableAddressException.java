package dev.speglar.p2p.host;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.PeerId;

/** We know no TCP address to dial the peer at: it cannot be reached from here. */
public final class NoDialableAddressException extends P2pProtocolException {
    public NoDialableAddressException(PeerId peer) {
        super("no dialable TCP address for " + peer);
    }
}

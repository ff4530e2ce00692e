package dev.speglar.p2p.host;

import dev.speglar.p2p.P2pProtocolException;

/** A dial refused locally because this host's connection cap is reached: it says nothing about the peer. */
public final class ConnectionLimitException extends P2pProtocolException {
    public ConnectionLimitException() {
        super("connection limit reached");
    }
}

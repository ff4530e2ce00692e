package dev.speglar.p2p.multistream;

import dev.speglar.p2p.P2pProtocolException;

/** The remote answered "na" to our proposal. */
public final class ProtocolNotSupportedException extends P2pProtocolException {
    public ProtocolNotSupportedException(String protocol) {
        super("remote does not support " + protocol);
    }
}

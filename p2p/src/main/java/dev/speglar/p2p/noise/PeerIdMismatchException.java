package dev.speglar.p2p.noise;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.PeerId;

/** The remote proved another identity than the one dialed; bootstrap uses {@link #actual()} to learn real ids. */
public final class PeerIdMismatchException extends P2pProtocolException {
    private final transient PeerId actual;

    public PeerIdMismatchException(PeerId expected, PeerId actual) {
        super("peer id mismatch: expected " + expected + ", remote is " + actual);
        this.actual = actual;
    }

    public PeerId actual() {
        return actual;
    }
}

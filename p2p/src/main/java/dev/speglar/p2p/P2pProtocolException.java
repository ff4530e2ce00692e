package dev.speglar.p2p;

/** Thrown when bytes received from a peer (or given by a user) violate the libp2p wire format or its limits. */
public class P2pProtocolException extends RuntimeException {
    public P2pProtocolException(String message) {
        super(message);
    }

    public P2pProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.speglar.p2p.yamux;

import io.netty.buffer.ByteBuf;

/** Callbacks for one stream, always on the connection's event loop. */
public interface StreamHandler {
    /** Called when the handler is attached (after protocol negotiation). */
    default void onOpen(YamuxStream stream) {}

    /** {@code data} is released by the caller after this returns: copy what must be kept. */
    void onData(YamuxStream stream, ByteBuf data);

    /** The remote half-closed; by default we close our side too. */
    default void onRemoteClose(YamuxStream stream) {
        stream.closeWrite();
    }

    /** The stream was reset or its connection died. */
    default void onReset(YamuxStream stream, Throwable cause) {}
}

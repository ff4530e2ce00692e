package dev.speglar.registry.mirror;

import io.netty.buffer.ByteBuf;

/** Receives a peer's body. Called on the peer channel's event loop. */
interface BodySink {
    /** Next body bytes; the sink owns (releases) {@code data}. */
    void onData(ByteBuf data);

    /**
     * The current batch of reads is done; call {@code resume} (from any thread) when more bytes are wanted. Not calling
     * it is backpressure: the peer connection is not read meanwhile.
     */
    void onBatchEnd(Runnable resume);

    /** The body is complete. */
    void onEnd();

    /** The body broke off. */
    void onError(Throwable cause);
}

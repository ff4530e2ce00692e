package dev.speglar.p2p.host;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multistream.MultistreamMessages;
import dev.speglar.p2p.multistream.MultistreamNegotiator;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;

/** Dialer side of multistream-select on a stream we opened; then attaches the caller's handler. */
final class OutboundNegotiation implements StreamHandler {
    private static final int MAX_BUFFER = 4 * MultistreamMessages.MAX_MESSAGE;
    private final MultistreamNegotiator select;
    private final StreamHandler next;
    private final CompletableFuture<YamuxStream> result;
    private final ByteBuf buffer = Unpooled.buffer();

    OutboundNegotiation(String protocol, StreamHandler next, CompletableFuture<YamuxStream> result) {
        this.select = MultistreamNegotiator.dialer(protocol);
        this.next = next;
        this.result = result;
    }

    @Override
    public void onOpen(YamuxStream stream) {
        ByteBuf out = Unpooled.buffer();
        select.start(out);
        stream.write(out);
    }

    @Override
    public void onData(YamuxStream stream, ByteBuf data) {
        if (buffer.readableBytes() + data.readableBytes() > MAX_BUFFER) {
            fail(stream, new P2pProtocolException("multistream negotiation too long"));
            return;
        }
        buffer.writeBytes(data);
        String selected;
        try {
            selected = select.feed(buffer, Unpooled.buffer());
        } catch (P2pProtocolException e) {
            fail(stream, e);
            return;
        }
        if (selected != null) {
            stream.handler(next);
            result.complete(stream);
            if (buffer.isReadable()) {
                next.onData(stream, buffer);
            }
        }
    }

    private void fail(YamuxStream stream, Throwable t) {
        result.completeExceptionally(t);
        stream.reset();
    }

    @Override
    public void onRemoteClose(YamuxStream stream) {
        fail(stream, new P2pProtocolException("stream closed during protocol negotiation"));
    }

    @Override
    public void onReset(YamuxStream stream, Throwable cause) {
        result.completeExceptionally(cause);
    }
}

package dev.speglar.p2p.host;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multistream.MultistreamMessages;
import dev.speglar.p2p.multistream.MultistreamNegotiator;
import dev.speglar.p2p.yamux.StreamHandler;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Listener side of multistream-select on a new inbound stream; hands over to the protocol's handler. */
final class InboundNegotiation implements StreamHandler {
    private static final int MAX_BUFFER = 4 * MultistreamMessages.MAX_MESSAGE;
    private final Connection connection;
    private final ProtocolRegistry registry;
    private final MultistreamNegotiator select;
    private final ByteBuf buffer = Unpooled.buffer();

    InboundNegotiation(Connection connection, ProtocolRegistry registry) {
        this.connection = connection;
        this.registry = registry;
        this.select = MultistreamNegotiator.listener(registry::supports);
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
            throw new P2pProtocolException("multistream negotiation too long");
        }
        buffer.writeBytes(data);
        ByteBuf out = Unpooled.buffer();
        String selected = select.feed(buffer, out);
        if (out.isReadable()) {
            stream.write(out);
        }
        if (selected != null) {
            StreamHandler h = registry.create(selected, connection);
            stream.handler(h);
            // Lazy dialers (go) send their first message right behind the proposal.
            if (buffer.isReadable()) {
                h.onData(stream, buffer);
            }
        }
    }

    @Override
    public void onRemoteClose(YamuxStream stream) {
        stream.reset();
    }
}

package dev.speglar.p2p.proto;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.Uvarint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/** Splits a byte stream into uvarint-length-delimited messages, each at most {@code maxMessage} bytes. */
public final class DelimitedReader {
    private final int maxMessage;
    private final ByteBuf buffer = Unpooled.buffer();

    public DelimitedReader(int maxMessage) {
        this.maxMessage = maxMessage;
    }

    /** Appends {@code data} (not released) and returns every message now complete. */
    public List<byte[]> feed(ByteBuf data) {
        buffer.writeBytes(data);
        List<byte[]> out = new ArrayList<>();
        while (buffer.isReadable()) {
            int start = buffer.readerIndex();
            int len = Uvarint.tryReadLength(buffer, maxMessage);
            if (len < 0) {
                break;
            }
            if (buffer.readableBytes() < len) {
                buffer.readerIndex(start);
                break;
            }
            byte[] msg = new byte[len];
            buffer.readBytes(msg);
            out.add(msg);
        }
        buffer.discardReadBytes();
        if (buffer.readableBytes() > maxMessage + 10) {
            throw new P2pProtocolException("message exceeds " + maxMessage + " bytes");
        }
        return out;
    }

    public boolean hasPartial() {
        return buffer.isReadable();
    }
}

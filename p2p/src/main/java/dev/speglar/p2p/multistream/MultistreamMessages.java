package dev.speglar.p2p.multistream;

import dev.speglar.p2p.P2pProtocolException;
import dev.speglar.p2p.multiformats.Uvarint;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** multistream-select 1.0 framing: uvarint(len(text)+1) || text || '\n'. */
public final class MultistreamMessages {
    public static final String HEADER = "/multistream/1.0.0";
    public static final String NA = "na";
    /** go rejects longer messages. */
    public static final int MAX_MESSAGE = 1024;

    private MultistreamMessages() {}

    public static byte[] encode(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] len = Uvarint.encode(t.length + 1L);
        byte[] out = new byte[len.length + t.length + 1];
        System.arraycopy(len, 0, out, 0, len.length);
        System.arraycopy(t, 0, out, len.length, t.length);
        out[out.length - 1] = '\n';
        return out;
    }

    /** Reads one message if complete (returning its text without '\n'); null and nothing consumed otherwise. */
    public static String tryRead(ByteBuf in) {
        int start = in.readerIndex();
        int len = Uvarint.tryReadLength(in, MAX_MESSAGE);
        if (len < 0) {
            return null;
        }
        if (in.readableBytes() < len) {
            in.readerIndex(start);
            return null;
        }
        if (len == 0 || in.getByte(in.readerIndex() + len - 1) != '\n') {
            throw new P2pProtocolException("multistream message does not end with a newline");
        }
        String text = in.toString(in.readerIndex(), len - 1, StandardCharsets.UTF_8);
        in.skipBytes(len);
        return text;
    }
}

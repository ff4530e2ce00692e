package dev.speglar.p2p.fuzz;

import dev.speglar.p2p.P2pProtocolException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;

/** Feeds bytes to Netty decoders in chunks, turning Netty's DecoderException wrapper back into its cause. */
final class ChannelFeeding {
    private ChannelFeeding() {}

    /** Writes {@code input} in chunks of {@code chunk} bytes; outbound and inbound results are drained. */
    static void feed(byte[] input, int chunk, ChannelHandler... handlers) {
        EmbeddedChannel ch = new EmbeddedChannel(handlers);
        try {
            for (int i = 0; i < input.length && ch.isOpen(); i += chunk) {
                int n = Math.min(chunk, input.length - i);
                ch.writeInbound(Unpooled.wrappedBuffer(input, i, n));
                drain(ch);
            }
            ch.runPendingTasks();
            ch.checkException();
            drain(ch);
        } catch (DecoderException e) {
            throw unwrap(e);
        } finally {
            close(ch);
        }
    }

    /** Closing runs decodeLast over leftover bytes, which may reject them again: that is the same typed error. */
    private static void close(EmbeddedChannel ch) {
        try {
            ch.finishAndReleaseAll();
        } catch (DecoderException e) {
            RuntimeException cause = unwrap(e);
            if (!(cause instanceof P2pProtocolException)) {
                throw cause;
            }
        } catch (P2pProtocolException expected) {
            // same as above, unwrapped
        }
    }

    private static RuntimeException unwrap(DecoderException e) {
        return e.getCause() instanceof P2pProtocolException p ? p : e;
    }

    private static void drain(EmbeddedChannel ch) {
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            ReferenceCountUtil.release(o);
        }
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            ReferenceCountUtil.release(o);
        }
    }
}

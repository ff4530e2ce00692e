package dev.speglar.p2p.yamux;

import static dev.speglar.p2p.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.Vectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamuxTest {
    @Test
    void headersRoundTripVectors() {
        for (Map<String, Object> v : Vectors.list("yamux")) {
            byte[] h = hex(v.get("header"));
            YamuxFrame f = YamuxFrameCodec.decodeHeader(Unpooled.wrappedBuffer(h), 0, 1 << 20);
            ByteBuf out = Unpooled.buffer();
            f.writeHeader(out);
            assertThat(ByteBufUtil.getBytes(out)).as((String) v.get("what")).isEqualTo(h);
        }
    }

    private static List<String> drainHeaders(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.add(ByteBufUtil.hexDump(b));
            b.release();
        }
        return out;
    }

    private static ByteBuf frames(String hexFrames) {
        return Unpooled.wrappedBuffer(hex(hexFrames));
    }

    @Test
    void sessionAnswersPingAcksStreamsAndHonoursFinAndFlowControl() {
        List<YamuxStream> accepted = new ArrayList<>();
        List<String> received = new ArrayList<>();
        YamuxSession session = new YamuxSession(false, s -> {
            accepted.add(s);
            s.handler((st, data) -> received.add(ByteBufUtil.hexDump(data)));
        });
        EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW), session);
        ch.writeInbound(frames("000200010000000000000007"));
        assertThat(drainHeaders(ch)).containsExactly("000200020000000000000007");

        ch.writeInbound(frames("000100010000000100000000" + "000000000000000100000002abcd"));
        assertThat(accepted).hasSize(1);
        assertThat(received).containsExactly("abcd");
        assertThat(drainHeaders(ch)).containsExactly("000100020000000100000000");

        // Our writes respect the peer's window: 256 KiB fit, the rest waits for a WINDOW_UPDATE.
        YamuxStream s = accepted.getFirst();
        s.write(new byte[YamuxSession.INITIAL_WINDOW + 10]);
        List<String> out = drainHeaders(ch);
        long sent = out.stream().mapToLong(h -> h.length() / 2 - 12).sum();
        assertThat(sent).isEqualTo(YamuxSession.INITIAL_WINDOW);
        assertThat(out).allMatch(h -> h.length() / 2 - 12 <= 64 * 1024);
        ch.writeInbound(frames("00010000000000010000000a"));
        assertThat(drainHeaders(ch))
                .singleElement()
                .satisfies(h -> assertThat(h).startsWith("00000000000000010000000a"));

        s.closeWrite();
        assertThat(drainHeaders(ch)).containsExactly("000100040000000100000000");
        ch.writeInbound(frames("000100040000000100000000"));
        assertThat(session.streamCount()).isZero();
    }

    @Test
    void wrongParityAndOversizedFramesAreProtocolErrors() {
        EmbeddedChannel ch = new EmbeddedChannel(
                new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW),
                new YamuxSession(true, s -> s.handler((st, d) -> {})));
        // We dialed (client, odd ids), so the remote must open even ids.
        assertThatThrownBy(() -> ch.writeInbound(frames("000100010000000100000000")))
                .isInstanceOf(RuntimeException.class);
        EmbeddedChannel ch2 = new EmbeddedChannel(
                new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW),
                new YamuxSession(true, s -> s.handler((st, d) -> {})));
        assertThatThrownBy(() -> ch2.writeInbound(frames("0000000100000002ffffffff")))
                .isInstanceOf(DecoderException.class);
        EmbeddedChannel ch3 = new EmbeddedChannel(
                new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW),
                new YamuxSession(true, s -> s.handler((st, d) -> {})));
        assertThatThrownBy(() -> ch3.writeInbound(frames("010000000000000000000000")))
                .isInstanceOf(DecoderException.class);
    }

    @Test
    void pingCompletesOnTheMatchingAck() {
        YamuxSession session = new YamuxSession(true, s -> s.handler((st, d) -> {}));
        EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW), session);
        var ping = session.ping();
        ch.runPendingTasks();
        List<String> out = drainHeaders(ch);
        assertThat(out).containsExactly("000200010000000000000001");
        ch.writeInbound(frames("000200020000000000000002"));
        assertThat(ping).isNotDone();
        ch.writeInbound(frames("000200020000000000000001"));
        assertThat(ping).isCompleted();
        ch.close();
    }

    @Test
    void connectionLossResetsStreamsAndFailsPings() {
        List<Throwable> resets = new ArrayList<>();
        YamuxSession session = new YamuxSession(true, s -> {});
        EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW), session);
        session.open(new StreamHandler() {
            @Override
            public void onData(YamuxStream s, ByteBuf d) {}

            @Override
            public void onReset(YamuxStream s, Throwable cause) {
                resets.add(cause);
            }
        });
        var ping = session.ping();
        ch.runPendingTasks();
        ch.close();
        assertThat(resets).hasSize(1);
        assertThat(ping).isCompletedExceptionally();
        assertThat(session.open((s, d) -> {})).isCompletedExceptionally();
    }
}

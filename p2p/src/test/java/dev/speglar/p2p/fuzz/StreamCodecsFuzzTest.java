package dev.speglar.p2p.fuzz;

import dev.speglar.p2p.identify.IdentifyMessage;
import dev.speglar.p2p.multistream.MultistreamMessages;
import dev.speglar.p2p.multistream.MultistreamNegotiator;
import dev.speglar.p2p.proto.DelimitedReader;
import dev.speglar.p2p.yamux.YamuxFrameCodec;
import dev.speglar.p2p.yamux.YamuxSession;
import dev.speglar.p2p.yamux.YamuxStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Garbage into multistream, length-delimited framing, yamux and identify: value or typed error, bounded. */
class StreamCodecsFuzzTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MS_DIALER =
            HEX.parseHex("132f6d756c746973747265616d2f312e302e300a" + "0b2f746c732f312e302e300a" + "072f6e6f6973650a");
    private static final byte[] MS_KAD = HEX.parseHex(
            "132f6d756c746973747265616d2f312e302e300a" + "122f73706567656c2f6b61642f312e302e300a" + "2a0804");
    // SYN on stream 1 with a window update, DATA with 4 bytes, PING, FIN, GO_AWAY.
    private static final byte[] YAMUX = HEX.parseHex("000100010000000100000000" + "00000000000000010000000461626364"
            + "000200010000000000000007" + "000000040000000100000000" + "000300000000000000000000");
    private static final byte[] IDENTIFY = HEX.parseHex("2a0a697066732f302e312e30"
            + "321d6a732d6c69627032702f332e332e3131206e6f64652f32302e32302e32"
            + "0a24080112200102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
            + "1208047f000001069c17" + "1a0e2f697066732f69642f312e302e30" + "1a112f73706567656c2f6b61642f312e302e30");

    @Provide
    Arbitrary<byte[]> multistream() {
        return Mutations.garbage(List.of(MS_DIALER, MS_KAD), 400);
    }

    @Provide
    Arbitrary<byte[]> yamux() {
        return Mutations.garbage(List.of(YAMUX), 400);
    }

    @Provide
    Arbitrary<byte[]> identify() {
        return Mutations.garbage(List.of(IDENTIFY), 400);
    }

    @Property(tries = 500)
    void multistreamListener(@ForAll("multistream") byte[] in, @ForAll @IntRange(min = 1, max = 64) int chunk) {
        Decoding.decodesOrRejects(in, () -> {
            MultistreamNegotiator n = MultistreamNegotiator.listener(p -> p.equals("/noise"));
            ByteBuf buf = Unpooled.buffer();
            ByteBuf out = Unpooled.buffer();
            for (int i = 0; i < in.length && n.selected() == null; i += chunk) {
                buf.writeBytes(in, i, Math.min(chunk, in.length - i));
                n.feed(buf, out);
            }
            if (out.readableBytes() > 64 * 1024) {
                throw new AssertionError("listener answered with " + out.readableBytes() + " bytes");
            }
        });
    }

    @Property(tries = 300)
    void multistreamDialer(@ForAll("multistream") byte[] in) {
        Decoding.decodesOrRejects(in, () -> {
            MultistreamNegotiator n = MultistreamNegotiator.dialer("/noise");
            n.start(Unpooled.buffer());
            n.feed(Unpooled.wrappedBuffer(in), Unpooled.buffer());
        });
        Decoding.decodesOrRejects(in, () -> {
            ByteBuf b = Unpooled.wrappedBuffer(in);
            for (int i = 0; i < 64 && MultistreamMessages.tryRead(b) != null; i++) {
                // drain every complete message
            }
        });
    }

    @Property(tries = 400)
    void delimitedMessages(@ForAll("multistream") byte[] in, @ForAll @IntRange(min = 1, max = 64) int chunk) {
        Decoding.decodesOrRejects(in, () -> {
            DelimitedReader r = new DelimitedReader(4096);
            for (int i = 0; i < in.length; i += chunk) {
                r.feed(Unpooled.wrappedBuffer(in, i, Math.min(chunk, in.length - i)));
            }
        });
    }

    @Property(tries = 500)
    void yamuxFrames(@ForAll("yamux") byte[] in, @ForAll @IntRange(min = 1, max = 40) int chunk) {
        Decoding.decodesOrRejects(
                in, () -> ChannelFeeding.feed(in, chunk, new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW)));
    }

    @Property(tries = 500)
    void yamuxSession(
            @ForAll("yamux") byte[] in, @ForAll boolean client, @ForAll @IntRange(min = 1, max = 40) int chunk) {
        // Garbage frames into a live session state machine (unknown streams, bad flags, window abuse, pings).
        Decoding.decodesOrRejects(
                in,
                () -> ChannelFeeding.feed(
                        in,
                        chunk,
                        new YamuxFrameCodec(YamuxSession.INITIAL_WINDOW),
                        new YamuxSession(client, StreamCodecsFuzzTest::echo)));
    }

    /** An acceptor that echoes every inbound stream, so garbage DATA also drives writes and window updates. */
    private static void echo(YamuxStream s) {
        s.handler((stream, data) -> stream.write(data.retain()));
    }

    @Property(tries = 500)
    void identifyMessages(@ForAll("identify") byte[] in) {
        Decoding.decodesOrRejects(in, () -> IdentifyMessage.decode(in));
        Decoding.decodesOrRejects(in, () -> IdentifyMessage.merge(IdentifyMessage.decode(IDENTIFY), in));
    }

    @Property(tries = 50)
    void identifyManySmallMessagesStayBounded(@ForAll @IntRange(min = 1, max = 3000) int repeats) {
        byte[] proto = HEX.parseHex("1a112f73706567656c2f6b61642f312e302e30");
        byte[] many = new byte[proto.length * repeats];
        for (int i = 0; i < repeats; i++) {
            System.arraycopy(proto, 0, many, i * proto.length, proto.length);
        }
        Decoding.decodesOrRejects(many, () -> IdentifyMessage.decode(many));
    }
}

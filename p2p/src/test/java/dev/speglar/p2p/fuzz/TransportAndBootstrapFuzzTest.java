package dev.speglar.p2p.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.bootstrap.BootstrapPeer;
import dev.speglar.p2p.bootstrap.IdJson;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.host.ListenAddress;
import dev.speglar.p2p.noise.CipherState;
import dev.speglar.p2p.noise.NoiseHandshake;
import dev.speglar.p2p.noise.NoiseHandshake.Role;
import dev.speglar.p2p.noise.NoiseIdentity;
import dev.speglar.p2p.noise.NoiseTransportCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Garbage into the Noise transport framing (a live codec) and into the bootstrap inputs (HTTP /id JSON, flags). */
class TransportAndBootstrapFuzzTest {
    private static final byte[][] KEYS = {key(1), key(2), key(3), key(4)};
    private static final Ed25519Identity ID_A = Ed25519Identity.fromSeed(key(5));
    private static final Ed25519Identity ID_B = Ed25519Identity.fromSeed(key(6));
    private static final byte[] FRAMES = frames();

    private static byte[] key(int b) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) (b * 17));
        return k;
    }

    /**
     * {initiator {send, receive}, responder {send, receive}} after a real handshake with fixed keys, so every pair
     * has the same keys and fresh nonces: the honest frames decrypt with any fresh pair.
     */
    private static CipherState[][] pair() {
        NoiseHandshake a = new NoiseHandshake(Role.INITIATOR, KEYS[0], KEYS[1]);
        NoiseHandshake b = new NoiseHandshake(Role.RESPONDER, KEYS[2], KEYS[3]);
        b.readMessage1(a.writeMessage1());
        a.readMessage2(b.writeMessage2(
                NoiseIdentity.payload(ID_B, b.localStaticPublic(), List.of()).encode()));
        b.readMessage3(a.writeMessage3(
                NoiseIdentity.payload(ID_A, a.localStaticPublic(), List.of()).encode()));
        return new CipherState[][] {a.split(), b.split()};
    }

    /** Two honest transport frames from the initiator, as bytes on the wire. */
    private static byte[] frames() {
        CipherState[][] p = pair();
        EmbeddedChannel ch = new EmbeddedChannel(new NoiseTransportCodec(p[0][0], p[0][1]));
        ch.writeOutbound(Unpooled.wrappedBuffer("first".getBytes(StandardCharsets.UTF_8)));
        ch.writeOutbound(Unpooled.wrappedBuffer("second".getBytes(StandardCharsets.UTF_8)));
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            all.writeBytes(b);
            b.release();
        }
        ch.finishAndReleaseAll();
        byte[] out = new byte[all.readableBytes()];
        all.readBytes(out);
        return out;
    }

    @Provide
    Arbitrary<byte[]> transport() {
        return Mutations.garbage(List.of(FRAMES), 600);
    }

    @Provide
    Arbitrary<String> json() {
        String good = "[{\"ID\":\"12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB\","
                + "\"Addrs\":[\"/ip4/127.0.0.1/tcp/5001\",\"/ip6/::1/tcp/5001\"]}]";
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings()
                        .withChars("[]{}\",:nul IDAdrs/ip4tcp0123456789.\\")
                        .ofMaxLength(200),
                Mutations.mutated(List.of(good.getBytes(StandardCharsets.UTF_8)))
                        .map(b -> new String(b, StandardCharsets.ISO_8859_1)));
    }

    @Provide
    Arbitrary<String> flags() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(80),
                Arbitraries.strings().withChars(":[]0123456789.abcdef/").ofMaxLength(60));
    }

    @Property(tries = 100)
    void noiseTransportFrames(@ForAll("transport") byte[] in, @ForAll @IntRange(min = 1, max = 80) int chunk) {
        // The contract runs the decoder twice; each run needs a responder with fresh nonces (made outside the
        // measured code, since the handshake itself is not under test here).
        java.util.ArrayDeque<CipherState[]> fresh = new java.util.ArrayDeque<>(List.of(pair()[1], pair()[1]));
        boolean accepted = Decoding.decodesOrRejects(in, () -> {
            CipherState[] responder = fresh.poll();
            ChannelFeeding.feed(in, chunk, new NoiseTransportCodec(responder[0], responder[1]));
        });
        // Untampered frames decrypt; any flipped byte in a ciphertext fails authentication.
        assertThat(accepted || !java.util.Arrays.equals(in, FRAMES)).isTrue();
    }

    @Property(tries = 300)
    void httpBootstrapDocument(@ForAll("json") String doc) {
        Decoding.decodesOrRejects(doc, () -> IdJson.parse(doc));
    }

    @Property(tries = 300)
    void bootstrapAndListenFlags(@ForAll("flags") String flag) {
        Decoding.decodesOrRejects(flag, () -> BootstrapPeer.parse(flag));
        // A listen address is local configuration, not peer input: IllegalArgumentException is its typed error.
        Decoding.decodesOrRejects(flag, IllegalArgumentException.class, () -> ListenAddress.parse(flag));
    }
}

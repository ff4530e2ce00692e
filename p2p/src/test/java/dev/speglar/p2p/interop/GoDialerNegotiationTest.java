package dev.speglar.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.crypto.X25519;
import dev.speglar.p2p.multiformats.PeerId;
import dev.speglar.p2p.noise.NoiseHandshake;
import dev.speglar.p2p.noise.NoiseIdentity;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Plays go-libp2p's dialer against a full Java node's listener with raw bytes: go proposes /tls/1.0.0 before /noise
 * (DefaultSecurity), so the listener must answer "na" and then accept /noise and run the Noise handshake.
 */
class GoDialerNegotiationTest {
    private static final HexFormat HEX = HexFormat.of();
    // Multistream-select bytes (github.com/multiformats/multistream-select), written out so this test does not share
    // the codec under test.
    private static final byte[] HEADER = HEX.parseHex("132f6d756c746973747265616d2f312e302e300a");
    private static final byte[] TLS = HEX.parseHex("0b2f746c732f312e302e300a");
    private static final byte[] NA = HEX.parseHex("036e610a");
    private static final byte[] NOISE = HEX.parseHex("072f6e6f6973650a");

    private final JavaNodes nodes = new JavaNodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void listenerRefusesTlsThenCompletesNoise() throws IOException {
        var node = nodes.start("127.0.0.91", java.util.List.of());
        try (Socket s = new Socket()) {
            s.connect(JavaNodes.socketAddr(node), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());

            // go writes the header and its first proposal in one write.
            out.write(concat(HEADER, TLS));
            out.flush();
            assertThat(in.readNBytes(HEADER.length)).isEqualTo(HEADER);
            assertThat(in.readNBytes(NA.length)).as("answer to /tls/1.0.0").isEqualTo(NA);
            out.write(NOISE);
            out.flush();
            assertThat(in.readNBytes(NOISE.length)).as("echo of /noise").isEqualTo(NOISE);

            // Noise XX as initiator: the listener must prove the peer id it advertises.
            NoiseHandshake hs = NoiseHandshake.create(NoiseHandshake.Role.INITIATOR, X25519.generatePrivate());
            writeFrame(out, hs.writeMessage1());
            byte[] payload = hs.readMessage2(readFrame(in));
            NoiseIdentity.Remote remote = NoiseIdentity.verify(payload, hs.remoteStatic(), PeerId.parse(node.peerId()));
            assertThat(remote.peerId().toBase58()).isEqualTo(node.peerId());
            // Like js, the listener offers yamux inside Noise, so no multistream round follows the handshake.
            assertThat(remote.streamMuxers()).contains(NoiseIdentity.YAMUX);
            Ed25519Identity me = Ed25519Identity.generate();
            writeFrame(
                    out,
                    hs.writeMessage3(
                            NoiseIdentity.payload(me, hs.localStaticPublic(), java.util.List.of(NoiseIdentity.YAMUX))
                                    .encode()));
            var ciphers = hs.split();
            // The connection is now secure: a yamux PING (type 2, SYN) must come back as a PING ACK.
            byte[] ping = HEX.parseHex("000200010000000000000007");
            writeFrame(out, ciphers[0].encryptWithAd(new byte[0], ping));
            assertThat(readPingAck(in, ciphers[1])).isEqualTo(7);
        }
    }

    @Test
    void listenerRejectsUnknownProtocolsUntilNoise() throws IOException {
        var node = nodes.start("127.0.0.92", java.util.List.of());
        try (Socket s = new Socket()) {
            s.connect(JavaNodes.socketAddr(node), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(HEADER);
            assertThat(in.readNBytes(HEADER.length)).isEqualTo(HEADER);
            for (String p : new String[] {"/tls/1.0.0", "/plaintext/2.0.0", "/secio/1.0.0"}) {
                out.write(msg(p));
                out.flush();
                assertThat(in.readNBytes(NA.length)).as("answer to " + p).isEqualTo(NA);
            }
            out.write(NOISE);
            out.flush();
            assertThat(in.readNBytes(NOISE.length)).isEqualTo(NOISE);
        }
    }

    private static int readPingAck(DataInputStream in, dev.speglar.p2p.noise.CipherState rx) throws IOException {
        // The listener may send its own frames first (e.g. opening identify); skip to our PING ACK.
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        for (int frames = 0; frames < 50; frames++) {
            plain.writeBytes(rx.decryptWithAd(new byte[0], readFrame(in)));
            byte[] b = plain.toByteArray();
            int i = 0;
            while (b.length - i >= 12) {
                int type = b[i + 1];
                int flags = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
                long len = ((b[i + 8] & 0xffL) << 24)
                        | ((b[i + 9] & 0xff) << 16)
                        | ((b[i + 10] & 0xff) << 8)
                        | (b[i + 11] & 0xff);
                if (type == 2 && (flags & 2) != 0) {
                    return (int) len;
                }
                int size = 12 + (type == 0 ? (int) len : 0);
                if (b.length - i < size) {
                    break;
                }
                i += size;
            }
            plain.reset();
            plain.write(b, i, b.length - i);
        }
        throw new AssertionError("no yamux PING ACK within 50 frames");
    }

    private static byte[] msg(String text) {
        byte[] t = (text + "\n").getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) t.length}, t);
    }

    static void writeFrame(OutputStream out, byte[] m) throws IOException {
        out.write(new byte[] {(byte) (m.length >> 8), (byte) m.length});
        out.write(m);
        out.flush();
    }

    static byte[] readFrame(DataInputStream in) throws IOException {
        int len = in.readUnsignedShort();
        return in.readNBytes(len);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] o = new byte[a.length + b.length];
        System.arraycopy(a, 0, o, 0, a.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }
}

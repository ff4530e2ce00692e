package dev.speglar.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.p2p.ping.PingService;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Garbage on a live node's port: the node closes that connection (bounded time, bounded reply) and keeps serving
 * other peers.
 */
@Tag("real")
class GarbageConnectionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] HEADER = HEX.parseHex("132f6d756c746973747265616d2f312e302e300a");
    private static final byte[] NOISE = HEX.parseHex("072f6e6f6973650a");

    private final JavaHosts nodes = new JavaHosts();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        JavaHosts.Listening victim = nodes.start("127.0.0.101");
        Random rnd = new Random(42);
        byte[][] attacks = {
            randomBytes(rnd, 4096), // noise from the first byte
            HEX.parseHex("ffffffffffffffffffff01"), // unterminated varint length
            concat(HEADER, HEX.parseHex("056162636465")), // protocol line without newline
            concat(HEADER, HEX.parseHex("ff7f"), randomBytes(rnd, 64)), // protocol line over 1024 bytes
            concat(HEADER, NOISE, HEX.parseHex("0010"), randomBytes(rnd, 16)), // Noise message 1 too short
            concat(HEADER, NOISE, HEX.parseHex("0020"), new byte[32]), // low-order ephemeral key
        };
        for (byte[] attack : attacks) {
            assertClosedAfter(victim, attack);
        }
        // The node still serves honest peers: a Java host and a js node connect and ping it.
        JavaHosts.Listening honest = nodes.start("127.0.0.102");
        var c = honest.host().dial(victim.address(), victim.host().peerId()).get(10, TimeUnit.SECONDS);
        assertThat(PingService.ping(c).get(10, TimeUnit.SECONDS)).isPositive();
        try (JsPeer js = JsPeer.start("127.0.0.103")) {
            assertThat(((Number) js.call("ping " + victim.multiaddr()).get("rtt")).doubleValue())
                    .isNotNegative();
        }
    }

    @Test
    void manyGarbageConnectionsAtOnce() throws Exception {
        JavaHosts.Listening victim = nodes.start("127.0.0.104");
        Random rnd = new Random(7);
        List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket();
                s.connect(victim.address(), 5_000);
                s.getOutputStream().write(randomBytes(rnd, 512));
                sockets.add(s);
            }
            for (Socket s : sockets) {
                assertEventuallyClosed(s);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        try (JsPeer js = JsPeer.start("127.0.0.105")) {
            assertThat(js.call("dial " + victim.multiaddr()).get("peer"))
                    .isEqualTo(victim.host().peerId().toBase58());
        }
    }

    private static void assertClosedAfter(JavaHosts.Listening node, byte[] attack) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(node.address(), 5_000);
            s.getOutputStream().write(attack);
            s.getOutputStream().flush();
            assertEventuallyClosed(s);
        }
    }

    /** Reads until EOF or reset; fails if the node keeps the connection open or floods it. */
    private static void assertEventuallyClosed(Socket s) throws IOException {
        s.setSoTimeout(15_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        long total = 0;
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                total += n;
                assertThat(total).as("bytes the node sends back to garbage").isLessThan(64 * 1024);
            }
        } catch (SocketException reset) {
            return; // connection reset by the node: closed
        } catch (SocketTimeoutException e) {
            throw new AssertionError("node kept a garbage connection open for 15 s", e);
        }
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}

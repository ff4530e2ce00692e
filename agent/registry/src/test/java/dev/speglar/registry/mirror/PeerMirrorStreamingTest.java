package dev.speglar.registry.mirror;

import static dev.speglar.registry.mirror.FakePeer.Mode.GOOD;
import static dev.speglar.registry.mirror.MirrorHarness.blobPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The relay streams: a client that stops reading stops the peer too, nothing is buffered whole. */
class PeerMirrorStreamingTest extends MirrorTestSupport {

    @Test
    void slowClientHoldsBackThePeerAndStillGetsEveryByte() throws Exception {
        byte[] bytes = randomBytes(16 << 20, 31);
        var content = blob(bytes);
        var peer = peer(40, GOOD).put(content);
        var agent = agent(OrderedRouter.of(peer));

        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), agent.port())) {
            s.setReceiveBufferSize(64 * 1024);
            s.getOutputStream()
                    .write(("GET " + blobPath(content.digest()) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").contains("content-length: " + bytes.length);

            // Not reading: socket buffers and one write-buffer's worth can be in flight, never 16 MiB. Without
            // backpressure the agent swallows the whole body in well under 2 s, even on a loaded 2-core machine.
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> peer.bodiesWritten.get() == 0);

            byte[] body = new byte[bytes.length];
            new DataInputStream(in).readFully(body);
            assertThat(body).isEqualTo(bytes);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> peer.bodiesWritten.get() == 1);
    }

    @Test
    void keepAliveConnectionsToPeersAreReused() throws Exception {
        var a = blob(randomBytes(10_000, 32));
        var b = blob(randomBytes(10_000, 33));
        var peer = peer(40, GOOD).put(a).put(b);
        var agent = agent(OrderedRouter.of(peer));

        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), agent.port())) {
            for (var c : new FakePeer.Content[] {a, b, a}) {
                s.getOutputStream()
                        .write(("GET " + blobPath(c.digest()) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                String head = readHead(s.getInputStream());
                assertThat(head).startsWith("HTTP/1.1 200");
                byte[] body = new byte[c.bytes().length];
                new DataInputStream(s.getInputStream()).readFully(body);
                assertThat(body).isEqualTo(c.bytes());
            }
        }
        assertThat(peer.requests).hasSize(3);
        assertThat(peer.connections.get()).isEqualTo(1);
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        var out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            out.write(c);
            if (out.size() >= 4 && out.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return out.toString(StandardCharsets.US_ASCII)
                .toLowerCase(java.util.Locale.ROOT)
                .replace("http/1.1", "HTTP/1.1");
    }
}

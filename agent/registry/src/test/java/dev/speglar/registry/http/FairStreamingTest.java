package dev.speglar.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.RegistryServer;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import dev.speglar.store.Blob;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A chunked blob body (no file to sendfile: containerd's content API, in-flight ingests, TLS) read by a client as fast
 * as the server writes must not hold its event loop: another connection on the same, only loop is answered while the
 * blob is still streaming.
 */
class FairStreamingTest {
    private static final long SIZE = 8L << 30; // never sent whole: the test ends as soon as /livez is answered
    private static final Digest DIGEST = Digest.parse("sha256:" + "ab".repeat(32));

    @Test
    void anotherConnectionIsServedWhileAFastClientStreamsABigChunkedBlob() throws Exception {
        FakeContentStore store = new FakeContentStore(null) {
            @Override
            public Optional<Descriptor> descriptor(Digest digest) {
                return digest.equals(DIGEST)
                        ? Optional.of(new Descriptor(DIGEST, MediaTypes.OCTET_STREAM, SIZE))
                        : super.descriptor(digest);
            }

            @Override
            public Optional<Blob> open(Digest digest) {
                if (!digest.equals(DIGEST)) {
                    return super.open(digest);
                }
                return Optional.of(new Blob() {
                    @Override
                    public Descriptor descriptor() {
                        return new Descriptor(DIGEST, MediaTypes.OCTET_STREAM, SIZE);
                    }

                    @Override
                    public Optional<Path> file() {
                        return Optional.empty();
                    }

                    @Override
                    public InputStream openStream(long offset) {
                        return new Zeros(SIZE - offset);
                    }
                });
            }
        };
        try (RegistryServer server =
                RegistryServer.builder().store(store).ioThreads(1).build()) {
            InetSocketAddress address = server.start();
            AtomicLong received = new AtomicLong();
            StringBuffer head = new StringBuffer();
            try (Socket blob = new Socket(address.getAddress(), address.getPort())) {
                blob.getOutputStream()
                        .write(("GET /v2/a/blobs/" + DIGEST + " HTTP/1.1\r\nHost: t\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                Thread reader = Thread.ofVirtual().start(() -> {
                    byte[] buf = new byte[1 << 20];
                    try (InputStream in = blob.getInputStream()) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            if (received.get() == 0) {
                                head.append(new String(buf, 0, Math.min(n, 300), StandardCharsets.ISO_8859_1));
                            }
                            received.addAndGet(n);
                        }
                    } catch (java.io.IOException e) {
                        // closed by the test
                    }
                });
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(60))
                        .failFast(() -> head.length() > 0 && !head.toString().startsWith("HTTP/1.1 200"))
                        .until(received::get, n -> n > (4L << 20));
                // Before the fix the probe waited for the whole blob: bounded here so that it fails instead.
                int status = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                        java.time.Duration.ofSeconds(30), () -> {
                            try (RawHttp probe = new RawHttp(address)) {
                                return probe.exchange("GET", "/livez").status();
                            }
                        });
                assertThat(status).isEqualTo(200);
                // Answered while the blob still streams (at loopback speed 8 GiB take seconds).
                assertThat(received.get()).isLessThan(SIZE / 2);
                blob.close();
                reader.join();
            }
        }
    }

    /** {@code n} zero bytes without holding them. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long n) {
            this.left = n;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}

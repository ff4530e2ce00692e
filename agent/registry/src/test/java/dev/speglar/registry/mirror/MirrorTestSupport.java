package dev.speglar.registry.mirror;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;

/** Shared fixtures: fake peers that are closed after each test, an HTTP client, content helpers. */
abstract class MirrorTestSupport {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    FakePeer peer(int lastOctet, FakePeer.Mode mode) throws InterruptedException {
        return track(new FakePeer("peer-" + lastOctet, "127.0.0." + lastOctet, mode));
    }

    MirrorHarness agent(dev.speglar.routing.Router router) throws InterruptedException {
        return track(new MirrorHarness(router));
    }

    MirrorHarness agent(dev.speglar.routing.Router router, java.util.function.UnaryOperator<MirrorConfig.Builder> tune)
            throws InterruptedException {
        return track(new MirrorHarness(router, tune));
    }

    <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    /** A peer that nobody listens for: a port that was free a moment ago. */
    static dev.speglar.routing.Peer unreachable(int lastOctet) throws java.io.IOException {
        InetAddress a = InetAddress.getByName("127.0.0." + lastOctet);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, a)) {
            port = s.getLocalPort();
        }
        return new dev.speglar.routing.Peer("unreachable-" + lastOctet, List.of(a), port);
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static FakePeer.Content blob(byte[] bytes) {
        return new FakePeer.Content(bytes, "application/vnd.oci.image.layer.v1.tar+gzip");
    }

    static FakePeer.Content manifest(String json) {
        return new FakePeer.Content(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/vnd.oci.image.manifest.v1+json");
    }

    static HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> head(URI uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(20))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }
}

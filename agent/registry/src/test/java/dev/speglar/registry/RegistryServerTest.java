package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.http.Transport;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import dev.speglar.registry.testing.RawHttp.Response;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Local serving over a real socket, for both blob sources (file → sendfile, stream → chunked copy). */
class RegistryServerTest {
    enum Source {
        FILE,
        STREAM
    }

    @TempDir
    Path dir;

    private RegistryServer server;
    private FakeContentStore store;
    private final List<DistributionRequest> misses = new CopyOnWriteArrayList<>();
    private Descriptor manifest;
    private Descriptor layer;
    private byte[] layerBytes;
    private InetSocketAddress address;

    private void start(Source source, Transport transport) throws Exception {
        store = new FakeContentStore(source == Source.FILE ? dir : null);
        manifest = store.add(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));
        layerBytes = new byte[300_000];
        new Random(7).nextBytes(layerBytes);
        layer = store.add("application/vnd.oci.image.layer.v1.tar+gzip", layerBytes);
        store.tag("docker.io/library/busybox:1.37", manifest.digest());
        store.tag("127.0.0.1:5000/team/app:v1", manifest.digest());
        server = RegistryServer.builder()
                .store(store)
                .transport(transport)
                .missHandler((ctx, request, keepAlive) -> {
                    misses.add(request);
                    NotFoundMissHandler.INSTANCE.handle(ctx, request, keepAlive);
                })
                .build();
        address = server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void manifestHeadByTagHasUpstreamHeadersAndNoBody(Source source) throws Exception {
        start(source, Transport.AUTO);
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange("HEAD", "/v2/team/app/manifests/v1?ns=127.0.0.1%3A5000");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "content-type",
                            MediaTypes.OCI_MANIFEST,
                            "content-length",
                            Long.toString(manifest.size()),
                            "docker-content-digest",
                            manifest.digest().toString(),
                            "oci-namespace",
                            "127.0.0.1:5000",
                            "docker-distribution-api-version",
                            "registry/2.0"));
            // The connection is still usable, so the HEAD response really carried no body.
            Response get = c.exchange("GET", "/v2/team/app/manifests/" + manifest.digest() + "?ns=127.0.0.1%3A5000");
            assertThat(get.bodyText()).isEqualTo("{\"schemaVersion\":2}");
            assertThat(get.header("content-encoding")).isNull();
        }
    }

    /** The distribution registry marks every API answer, misses and refusals included; probes are not API answers. */
    @Test
    void everyApiAnswerCarriesTheApiVersionHeader() throws Exception {
        start(Source.STREAM, Transport.AUTO);
        String missing = "/v2/library/busybox/blobs/sha256:" + "0".repeat(64);
        for (String[] q : new String[][] {
            {"GET", "/v2/"}, {"GET", missing}, {"HEAD", missing}, {"GET", "/v2/Bad/manifests/1"}, {"DELETE", missing}
        }) {
            try (RawHttp c = new RawHttp(address)) {
                Response r = c.exchange(q[0], q[1]);
                assertThat(r.header("docker-distribution-api-version"))
                        .as(q[0] + " " + q[1] + " -> " + r.status())
                        .isEqualTo("registry/2.0");
            }
        }
        try (RawHttp c = new RawHttp(address)) {
            assertThat(c.exchange("GET", "/readyz").header("docker-distribution-api-version"))
                    .isNull();
        }
    }

    /** Found by hand: an HTTP/1.0 keep-alive request was kept open without saying so, so the client waited for EOF. */
    @Test
    void http10KeepAliveIsAnsweredWithConnectionKeepAliveAndTheConnectionServesAgain() throws Exception {
        start(Source.FILE, Transport.AUTO);
        String get = "GET /v2/team/app/manifests/" + manifest.digest() + "?ns=127.0.0.1%3A5000 HTTP/1.0\r\n";
        try (RawHttp c = new RawHttp(address)) {
            Response first = c.sendRaw((get + "Connection: keep-alive\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1))
                    .read(false);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("connection")).isEqualToIgnoringCase("keep-alive");
            Response second = c.sendRaw((get + "\r\n").getBytes(StandardCharsets.ISO_8859_1))
                    .read(false);
            assertThat(second.bodyText()).isEqualTo("{\"schemaVersion\":2}");
            assertThat(second.header("connection")).isEqualToIgnoringCase("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void absoluteFormRequestTargetIsServedAsItsPath() throws Exception {
        start(Source.FILE, Transport.AUTO);
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange(
                    "GET", "http://127.0.0.1:5000/v2/team/app/manifests/" + manifest.digest() + "?ns=127.0.0.1%3A5000");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("{\"schemaVersion\":2}");
            assertThat(c.exchange("GET", "HTTP://127.0.0.1:5000/v2/").status()).isEqualTo(200);
            assertThat(c.exchange("GET", "http://127.0.0.1:5000").status()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void tagWithoutNamespaceResolvesAgainstDefaultRegistry(Source source) throws Exception {
        start(source, Transport.AUTO);
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange("GET", "/v2/library/busybox/manifests/1.37");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("docker-content-digest"))
                    .isEqualTo(manifest.digest().toString());
            assertThat(r.header("oci-namespace")).isEqualTo("docker.io");
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void blobGetIsByteExactWithoutContentEncoding(Source source) throws Exception {
        start(source, Transport.AUTO);
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange(
                    "GET", "/v2/library/busybox/blobs/" + layer.digest() + "?ns=docker.io", "Accept-Encoding: gzip");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(layerBytes);
            assertThat(r.header("content-type")).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
            assertThat(r.header("accept-ranges")).isEqualTo("bytes");
            assertThat(r.header("docker-content-digest"))
                    .isEqualTo(layer.digest().toString());
            assertThat(r.header("content-encoding")).isNull();
            Response head = c.exchange("HEAD", "/v2/library/busybox/blobs/" + layer.digest());
            assertThat(head.header("content-length")).isEqualTo("300000");
            assertThat(head.header("oci-namespace")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void rangesAnswer206WithExactContentRange(Source source) throws Exception {
        start(source, Transport.AUTO);
        String path = "/v2/x/blobs/" + layer.digest() + "?ns=docker.io";
        try (RawHttp c = new RawHttp(address)) {
            record Case(String range, long first, long last) {}
            for (Case k : List.of(
                    new Case("bytes=0-0", 0, 0),
                    new Case("bytes=150000-", 150000, 299999),
                    new Case("bytes=-100", 299900, 299999),
                    new Case("bytes=-400000", 0, 299999),
                    new Case("bytes=10-500000", 10, 299999),
                    new Case("bytes=299999-", 299999, 299999))) {
                Response r = c.exchange("GET", path, "Range: " + k.range());
                assertThat(r.status()).as(k.range()).isEqualTo(206);
                assertThat(r.header("content-range")).isEqualTo("bytes " + k.first() + "-" + k.last() + "/300000");
                assertThat(r.header("content-type")).isEqualTo("application/octet-stream");
                assertThat(r.header("content-length")).isEqualTo(Long.toString(k.last() - k.first() + 1));
                assertThat(r.body())
                        .isEqualTo(java.util.Arrays.copyOfRange(layerBytes, (int) k.first(), (int) k.last() + 1));
            }
            Response beyond = c.exchange("GET", path, "Range: bytes=300000-");
            assertThat(beyond.status()).isEqualTo(416);
            assertThat(beyond.header("content-range")).isEqualTo("bytes */300000");
            assertThat(beyond.bodyText()).contains("\"code\":\"RANGE_INVALID\"");
            Response malformed = c.exchange("GET", path, "Range: items=1-2");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.bodyText())
                    .isEqualTo("{\"errors\":[{\"code\":\"RANGE_INVALID\",\"message\":\"invalid range unit\"}]}");
            Response headRange = c.exchange("HEAD", path, "Range: bytes=1-3");
            assertThat(headRange.status()).isEqualTo(206);
            assertThat(headRange.header("content-length")).isEqualTo("3");
            assertThat(c.exchange("GET", path, "Range: bytes=1-1").body()).containsExactly(layerBytes[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void keepAliveAndPipelinedRequestsAreAnsweredInOrder(Transport transport) throws Exception {
        start(Source.FILE, transport);
        String blob = "GET /v2/x/blobs/" + layer.digest() + " HTTP/1.1\r\nHost: t\r\n\r\n";
        String head = "HEAD /v2/team/app/manifests/v1?ns=127.0.0.1:5000 HTTP/1.1\r\nHost: t\r\n\r\n";
        String miss = "HEAD /v2/x/manifests/nope?ns=docker.io HTTP/1.1\r\nHost: t\r\n\r\n";
        try (RawHttp c = new RawHttp(address)) {
            c.sendRaw((blob + head + miss + blob).getBytes(StandardCharsets.US_ASCII));
            assertThat(c.read(false).body()).isEqualTo(layerBytes);
            assertThat(c.read(true).header("docker-content-digest"))
                    .isEqualTo(manifest.digest().toString());
            assertThat(c.read(true).status()).isEqualTo(404);
            assertThat(c.read(false).body()).isEqualTo(layerBytes);
            for (int i = 0; i < 50; i++) {
                assertThat(c.exchange("HEAD", "/v2/team/app/manifests/v1?ns=127.0.0.1:5000")
                                .status())
                        .isEqualTo(200);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void connectionCloseIsHonoured(Source source) throws Exception {
        start(source, Transport.AUTO);
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange("GET", "/v2/x/blobs/" + layer.digest(), "Connection: close");
            assertThat(r.body()).isEqualTo(layerBytes);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void localMissGoesToMissHandlerUnlessForwardedByAPeer(Source source) throws Exception {
        start(source, Transport.AUTO);
        String missing = "sha256:" + "ab".repeat(32);
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange("GET", "/v2/x/blobs/" + missing + "?ns=docker.io", "Range: bytes=5-");
            assertThat(r.status()).isEqualTo(404);
            assertThat(misses).hasSize(1);
            assertThat(misses.getFirst().key()).isEqualTo(missing);
            assertThat(misses.getFirst().range()).contains(ByteRange.from(5));
            assertThat(misses.getFirst().registry()).isEqualTo("docker.io");

            Response forwarded = c.exchange("HEAD", "/v2/x/manifests/v9?ns=docker.io", "X-Spegel-Mirrored: true");
            assertThat(forwarded.status()).isEqualTo(404);
            String body = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":"
                    + "\"could not get digest for image tag docker.io/x:v9\"}]}";
            assertThat(forwarded.header("content-length")).isEqualTo(Integer.toString(body.length()));
            assertThat(c.exchange("GET", "/v2/x/manifests/v9?ns=docker.io", "X-Spegel-Mirrored: true")
                            .bodyText())
                    .isEqualTo(body);
            assertThat(misses).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void contentServedOnlyUnderItsKindAndVanishedBytesAre404(Source source) throws Exception {
        start(source, Transport.AUTO);
        try (RawHttp c = new RawHttp(address)) {
            Response manifestAsBlob = c.exchange("GET", "/v2/x/blobs/" + manifest.digest());
            assertThat(manifestAsBlob.status()).isEqualTo(404);
            assertThat(manifestAsBlob.bodyText())
                    .isEqualTo("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":" + "\"could not get blob "
                            + manifest.digest() + "\"}]}");
            Response blobAsManifest = c.exchange("HEAD", "/v2/x/manifests/" + layer.digest());
            assertThat(blobAsManifest.status()).isEqualTo(404);
            assertThat(blobAsManifest.header("content-type")).isEqualTo("application/json");
            store.dropBytes(layer.digest());
            Response gone = c.exchange("GET", "/v2/x/blobs/" + layer.digest());
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.bodyText()).contains("BLOB_UNKNOWN");
            assertThat(misses).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void emptyBlobIsServed(Source source) throws Exception {
        start(source, Transport.AUTO);
        Descriptor empty = store.add("application/octet-stream", new byte[0]);
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange("GET", "/v2/x/blobs/" + empty.digest());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-length")).isEqualTo("0");
            assertThat(c.exchange("GET", "/v2/x/blobs/" + empty.digest(), "Range: bytes=0-")
                            .status())
                    .isEqualTo(416);
            assertThat(c.exchange("HEAD", "/v2/x/blobs/" + layer.digest()).status())
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void concurrentClientsEachGetTheirOwnCorrectAnswers(Source source) throws Exception {
        start(source, Transport.AUTO);
        int clients = 32;
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int offset = i * 1000;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    try (RawHttp c = new RawHttp(address)) {
                        for (int k = 0; k < 10; k++) {
                            Response r = c.exchange(
                                    "GET",
                                    "/v2/x/blobs/" + layer.digest(),
                                    "Range: bytes=" + offset + "-" + (offset + 999));
                            Response h = c.exchange("HEAD", "/v2/team/app/manifests/v1?ns=127.0.0.1:5000");
                            if (r.status() == 206
                                    && java.util.Arrays.equals(
                                            r.body(), java.util.Arrays.copyOfRange(layerBytes, offset, offset + 1000))
                                    && h.status() == 200) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            for (var f : results) {
                assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(10);
            }
        }
    }
}

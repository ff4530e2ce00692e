package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import dev.speglar.registry.testing.RawHttp.Response;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile and malformed requests over a real socket: the right 4xx and body, never a 500, and the server survives. */
class BadRequestTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    private static RegistryServer server;
    private static InetSocketAddress address;
    private static String blob;

    @BeforeAll
    static void start() throws Exception {
        FakeContentStore store = new FakeContentStore(null);
        blob = store.add(MediaTypes.OCTET_STREAM, "0123456789".getBytes(StandardCharsets.UTF_8))
                .digest()
                .toString();
        server = RegistryServer.builder().store(store).build();
        address = server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> table() {
        String unsupported = "{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":"
                + "\"endpoint not supported by this read-only mirror\"}]}";
        String badName = "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"invalid repository name\"}]}";
        return Stream.of(
                // method, target, extra header, status, exact body ("" = empty body)
                Arguments.of("GET", "/v2/../../etc/passwd", null, 404, unsupported),
                Arguments.of("GET", "/v2/a/../../etc/blobs/" + DIGEST, null, 400, badName),
                Arguments.of("GET", "/v2/a/%2e%2e/%2e%2e/blobs/" + DIGEST, null, 400, badName),
                // Decoded once (as Go's net/http does upstream): this is /v2/a/blobs/../../etc/passwd, no endpoint.
                Arguments.of("GET", "/v2/a/blobs/..%2f..%2fetc%2fpasswd", null, 404, unsupported),
                Arguments.of(
                        "GET",
                        "/v2/a/blobs/..%252f..%252fetc",
                        null,
                        400,
                        "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"invalid checksum digest format\"}]}"),
                Arguments.of("GET", "/v2/a%252Fb/blobs/BLOB", null, 400, badName),
                Arguments.of("GET", "/v2/Library%2Fa/blobs/BLOB", null, 400, badName),
                Arguments.of("GET", "/v2/a%zz/blobs/BLOB", null, 400, ""),
                Arguments.of("GET", "/v2/a/blobs/BLOB%4", null, 400, ""),
                Arguments.of("GET", "/../../etc/passwd", null, 404, ""),
                Arguments.of(
                        "GET",
                        "/v2/a/blobs/md5:d41d8cd98f00b204e9800998ecf8427e",
                        null,
                        400,
                        "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"unsupported digest algorithm: md5\"}]}"),
                Arguments.of(
                        "GET",
                        "/v2/a/blobs/sha256:ABCDEF",
                        null,
                        400,
                        "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"invalid checksum digest length for sha256\"}]}"),
                Arguments.of(
                        "GET",
                        "/v2/" + "a/".repeat(200) + "b/manifests/latest",
                        null,
                        400,
                        "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"repository name longer than 255 characters\"}]}"),
                Arguments.of(
                        "GET",
                        "/v2/a/manifests/" + "t".repeat(129),
                        null,
                        400,
                        "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"invalid tag\"}]}"),
                Arguments.of(
                        "GET",
                        "/v2/a/manifests/latest?ns=a%2Fb",
                        null,
                        400,
                        "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"invalid ns parameter\"}]}"),
                Arguments.of(
                        "GET",
                        "/v2/a/manifests/latest?ns=%zz",
                        null,
                        400,
                        "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"malformed ns parameter\"}]}"),
                Arguments.of(
                        "GET",
                        "/v2/a/blobs/BLOB",
                        "Range: bytes=5-2",
                        400,
                        "{\"errors\":[{\"code\":\"RANGE_INVALID\",\"message\":\"range start 5 is larger than end 2\"}]}"),
                Arguments.of(
                        "GET",
                        "/v2/a/blobs/BLOB",
                        "Range: bytes=99999999999999999999-",
                        400,
                        "{\"errors\":[{\"code\":\"RANGE_INVALID\",\"message\":\"invalid range number\"}]}"),
                Arguments.of(
                        "GET",
                        "/v2/a/blobs/BLOB",
                        "Range: bytes=10-",
                        416,
                        "{\"errors\":[{\"code\":\"RANGE_INVALID\",\"message\":\"range start 10 is beyond size 10\"}]}"),
                Arguments.of("GET", "/v2/a/tags/list", null, 404, unsupported),
                Arguments.of("GET", "/v2/_catalog", null, 404, unsupported),
                Arguments.of("GET", "/metrics", null, 404, ""),
                Arguments.of("GET", "/v2", null, 301, ""));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("table")
    void answered(String method, String target, String header, int status, String body) throws Exception {
        target = target.replace("BLOB", blob);
        try (RawHttp c = new RawHttp(address)) {
            Response r = header == null ? c.exchange(method, target) : c.exchange(method, target, header);
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.bodyText()).isEqualTo(body);
            assertThat(r.header("content-length")).isEqualTo(Integer.toString(body.length()));
            if (!body.isEmpty()) {
                assertThat(r.header("content-type")).isEqualTo("application/json");
            }
            // Every refusal leaves a healthy keep-alive connection.
            assertThat(c.exchange("GET", "/livez").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0} is served")
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "/v2/library%2Fa/blobs/BLOB",
                "/v2/a%2fb%2Fc/blobs/BLOB",
                "/v2/a/blobs/sha256%3AHEX",
                "/v2/%61/blobs/BLOB"
            })
    void percentEncodedNamesAndDigestsAreDecodedOnceAsUpstreamDoes(String target) throws Exception {
        String hex = blob.substring("sha256:".length());
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange("GET", target.replace("BLOB", blob).replace("HEX", hex));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("0123456789");
            assertThat(r.header("docker-content-digest")).isEqualTo(blob);
        }
    }

    @ParameterizedTest(name = "{0} is 505 and closed")
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                // curl --http2-prior-knowledge: the HTTP/2 connection preface, then binary frames
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0012\u0004\u0000\u0000\u0000\u0000\u0000",
                "GET /v2/ HTTP/3.0\r\nHost: t\r\n\r\n",
                "GET /v2/ HTTP/0.9\r\nHost: t\r\n\r\n",
                // pipelined behind a good request: that one is answered first
                "GET /livez HTTP/1.1\r\nHost: t\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
            })
    void otherMajorVersionsAre505AsFromGo(String raw) throws Exception {
        try (RawHttp c = new RawHttp(address)) {
            c.sendRaw(raw.getBytes(StandardCharsets.ISO_8859_1));
            if (raw.startsWith("GET /livez")) {
                assertThat(c.read(false).status()).isEqualTo(200);
            }
            Response r = c.read(false);
            assertThat(r.status()).isEqualTo(505);
            assertThat(r.bodyText()).isEqualTo("505 HTTP Version Not Supported");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void anH2cUpgradeIsAnsweredInHttp11AndTheConnectionStaysUsable() throws Exception {
        // curl --http2 on a cleartext URL: Go (upstream) ignores the Upgrade and answers in HTTP/1.1, and so do we.
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange(
                    "GET",
                    "/v2/a/blobs/" + blob,
                    "Connection: Upgrade, HTTP2-Settings",
                    "Upgrade: h2c",
                    "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("upgrade")).isNull();
            assertThat(r.bodyText()).isEqualTo("0123456789");
            assertThat(c.exchange("GET", "/livez").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0} is refused with 405")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"PUT", "POST", "PATCH", "DELETE", "OPTIONS"})
    void writeMethodsAre405(String method) throws Exception {
        try (RawHttp c = new RawHttp(address)) {
            c.sendRaw((method + " /v2/a/blobs/uploads/ HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
                    .getBytes(StandardCharsets.US_ASCII));
            Response r = c.read(false);
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("allow")).isEqualTo("GET, HEAD");
            assertThat(r.bodyText())
                    .isEqualTo("{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"method " + method
                            + " is not supported by this read-only mirror\"}]}");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void overLongUriIs414() throws Exception {
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange("GET", "/v2/" + "a".repeat(RegistryServer.MAX_REQUEST_LINE) + "/manifests/x");
            assertThat(r.status()).isEqualTo(414);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void hugeHeadersAre431() throws Exception {
        try (RawHttp c = new RawHttp(address)) {
            Response r = c.exchange("GET", "/v2/", "X-Big: " + "b".repeat(RegistryServer.MAX_HEADER_SIZE));
            assertThat(r.status()).isEqualTo(431);
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawHttp c = new RawHttp(address)) {
            String[] many = new String[2000];
            for (int i = 0; i < many.length; i++) {
                many[i] = "X-H" + i + ": v";
            }
            assertThat(c.exchange("GET", "/v2/", many).status()).isEqualTo(431);
        }
    }

    @Test
    void garbageRequestLineIs400() throws Exception {
        try (RawHttp c = new RawHttp(address)) {
            c.sendRaw("\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Response r = c.read(false);
            assertThat(r.status()).isEqualTo(400);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void v2PingAndRedirect() throws Exception {
        try (RawHttp c = new RawHttp(address)) {
            Response ping = c.exchange("GET", "/v2/");
            assertThat(ping.status()).isEqualTo(200);
            assertThat(ping.header("docker-distribution-api-version")).isEqualTo("registry/2.0");
            assertThat(c.exchange("GET", "/v2").header("location")).isEqualTo("/v2/");
        }
    }

    @Test
    void tagWithoutNamespaceIs404WhenNoDefaultRegistryIsConfigured() throws Exception {
        try (RegistryServer strict = RegistryServer.builder()
                        .store(new FakeContentStore(null))
                        .defaultRegistry("")
                        .build();
                RawHttp c = new RawHttp(strict.start())) {
            Response r = c.exchange("GET", "/v2/library/alpine/manifests/3.20");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.bodyText())
                    .isEqualTo("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":"
                            + "\"registry parameter needs to be set for tag references\"}]}");
            assertThat(c.exchange("HEAD", "/v2/library/alpine/manifests/3.20?ns=docker.io")
                            .status())
                    .isEqualTo(404);
        }
    }
}

package dev.speglar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and malformed requests against a running agent over a real socket: each gets a clear 4xx (never a 5xx, a
 * hang or file content), and the agent keeps serving afterwards.
 */
@Tag("real")
class BadRequestE2ETest {
    private static SourceNode source;
    private static InProcessAgent agent;
    private static String layer;

    @BeforeAll
    static void start() throws Exception {
        source = SourceNode.shared();
        // Requests without ?ns= belong to the upstream: what Docker's --registry-mirror sends.
        String[] flags = Stream.concat(
                        Stream.of(source.storeFlags()), Stream.of("--default-registry=" + source.registryHost()))
                .toArray(String[]::new);
        agent = InProcessAgent.start(flags);
        BlobInfo l = source.images.test().layers().getFirst();
        layer = "/v2/library/test/blobs/" + l.digest();
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    static Stream<Arguments> badRequests() {
        String longName = "a".repeat(300);
        String hugeHeader = "X-Filler: " + "x".repeat(64 * 1024);
        String longLine = "/v2/library/test/manifests/" + "a".repeat(20_000);
        return Stream.of(
                // Paths that name no registry endpoint, and names that are no repository: never a file read.
                row("traversal", "GET /v2/../../etc/passwd HTTP/1.1", 404, "UNSUPPORTED"),
                row("traversal in name", "GET /v2/../../../etc/manifests/passwd HTTP/1.1", 400, "NAME_INVALID"),
                row("encoded traversal", "GET /v2/%2e%2e/%2e%2e/etc/passwd HTTP/1.1", 404, "UNSUPPORTED"),
                // The path is decoded once (as upstream's Go server does): these name no endpoint...
                row(
                        "encoded traversal as digest",
                        "GET /v2/library/test/blobs/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1",
                        404,
                        "UNSUPPORTED"),
                row(
                        "traversal as digest hex",
                        "GET /v2/library/test/blobs/sha256:..%2f..%2fetc%2fpasswd HTTP/1.1",
                        404,
                        "UNSUPPORTED"),
                // ...and what double encoding or a malformed escape leaves is no name or digest.
                row(
                        "double-encoded traversal as digest",
                        "GET /v2/library/test/blobs/..%252f..%252fetc HTTP/1.1",
                        400,
                        "DIGEST_INVALID"),
                row(
                        "double-encoded slash in name",
                        "GET /v2/library%252Ftest/manifests/1.0 HTTP/1.1",
                        400,
                        "NAME_INVALID"),
                row("malformed escape", "GET /v2/library%zztest/manifests/1.0 HTTP/1.1", 400, null),
                row(
                        "unknown digest algorithm",
                        "GET /v2/library/test/blobs/md5:d41d8cd98f00b204e9800998ecf8427e HTTP/1.1",
                        400,
                        "DIGEST_INVALID"),
                row("digest of wrong length", "GET /v2/library/test/blobs/sha256:1234 HTTP/1.1", 400, "DIGEST_INVALID"),
                row(
                        "upper-case digest hex",
                        "GET /v2/library/test/blobs/sha256:" + "A".repeat(64) + " HTTP/1.1",
                        400,
                        "DIGEST_INVALID"),
                row(
                        "over-long repository name",
                        "GET /v2/" + longName + "/" + longName + "/manifests/1.0?ns=docker.io HTTP/1.1",
                        400,
                        "NAME_INVALID"),
                row(
                        "invalid repository name",
                        "GET /v2/Library/Test/manifests/1.0?ns=docker.io HTTP/1.1",
                        400,
                        "NAME_INVALID"),
                row("over-long request line", "GET " + longLine + " HTTP/1.1", 414, null),
                row("garbage range", "GET {layer} HTTP/1.1\r\nRange: bytes=abc", 400, "RANGE_INVALID"),
                row("multiple ranges", "GET {layer} HTTP/1.1\r\nRange: bytes=0-1,5-6", 400, "RANGE_INVALID"),
                row("inverted range", "GET {layer} HTTP/1.1\r\nRange: bytes=50-10", 400, "RANGE_INVALID"),
                row("range past the end", "GET {layer} HTTP/1.1\r\nRange: bytes=999999999-", 416, "RANGE_INVALID"),
                row("huge header", "GET /v2/ HTTP/1.1\r\n" + hugeHeader, 431, null),
                row("not HTTP at all", "\u0001\u0002garbage", 400, null));
    }

    private static Arguments row(String name, String head, int status, String ociCode) {
        return Arguments.of(name, head, status, ociCode);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badRequests")
    void answersWithAClear4xx(String name, String requestLine, int status, String ociCode) {
        String head = requestLine.replace("{layer}", layer) + "\r\nHost: speglar";
        RawHttp.Response r = RawHttp.send(agent.address(), head);

        assertThat(r.status()).as(name).isEqualTo(status);
        if (ociCode != null) {
            assertThat(r.header("Content-Type")).as(name).startsWith("application/json");
            assertThat(r.bodyText()).as(name).startsWith("{\"errors\":[{\"code\":\"" + ociCode + "\"");
        }
        assertThat(r.bodyText())
                .as(name)
                .doesNotContain("root:")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertStillServing();
    }

    @ParameterizedTest(name = "{0} is refused with 405 and an OCI error body")
    @MethodSource("writeMethods")
    void writeMethodsAreRefused(String method) {
        String path = method.equals("POST") ? "/v2/library/test/blobs/uploads/" : "/v2/library/test/manifests/1.0";
        RawHttp.Response r =
                RawHttp.send(agent.address(), method + " " + path + " HTTP/1.1\r\nHost: speglar\r\nContent-Length: 0");

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.bodyText()).startsWith("{\"errors\":[{\"code\":\"").contains("\"message\":");
        assertStillServing();
    }

    static Stream<String> writeMethods() {
        return Stream.of("PUT", "POST", "PATCH", "DELETE");
    }

    @Test
    void tagRequestWithoutNsUsesTheDefaultRegistry() {
        RawHttp.Response r = RawHttp.send(
                agent.address(),
                "HEAD /v2/library/test/manifests/1.0 HTTP/1.1\r\nHost: speglar\r\nAccept: application/vnd.oci.image.manifest.v1+json");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Docker-Content-Digest"))
                .isEqualTo(source.images.test().manifest().digest());
    }

    @Test
    void tagOfAnotherRegistryIsNotFound() {
        RawHttp.Response r = RawHttp.send(
                agent.address(), "HEAD /v2/library/test/manifests/1.0?ns=registry.invalid HTTP/1.1\r\nHost: speglar");

        assertThat(r.status()).isEqualTo(404);
    }

    @Test
    void curlPercentEncodedNamesAndDigestsAreServedAsUpstreamDecodesThem() {
        String manifest = source.images.test().manifest().digest();
        Exec.Result name = curl("-I", "--path-as-is", base() + "/v2/library%2Ftest/manifests/1.0");
        assertThat(name.stdout()).startsWith("200 ");
        Exec.Result digest = curl("-I", base() + "/v2/library/test/manifests/" + manifest.replace(":", "%3A"));
        assertThat(digest.stdout()).startsWith("200 ");
    }

    @Test
    void curlHttp2PriorKnowledgeIs505AndClosedWhileAnH2cUpgradeIsAnsweredInHttp11() {
        // Go's server sends an HTTP/1.1 505 to the h2 preface, which curl reports as an empty reply (52), at once.
        Exec.Result prior = curl("--http2-prior-knowledge", base() + "/v2/");
        assertThat(prior.exitCode()).as(prior.stderr()).isEqualTo(52);
        Exec.Result upgrade = curl("--http2", base() + layer);
        assertThat(upgrade.exitCode()).as(upgrade.stderr()).isZero();
        assertThat(upgrade.stdout()).isEqualTo("200 1.1");
        assertStillServing();
    }

    private static String base() {
        return "http://" + agent.address().getHostString() + ":"
                + agent.address().getPort();
    }

    /** curl printing {@code <status> <HTTP version>}, body discarded, 10 s at most. */
    private static Exec.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(
                List.of("curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{http_code} %{http_version}"));
        cmd.addAll(List.of(args));
        return Exec.run(Duration.ofSeconds(20), Map.of(), cmd);
    }

    private static void assertStillServing() {
        RawHttp.Response ok =
                RawHttp.send(agent.address(), "GET " + layer + " HTTP/1.1\r\nHost: speglar\r\nRange: bytes=0-9");
        assertThat(ok.status()).isEqualTo(206);
        assertThat(ok.body()).hasSize(10);
    }
}

package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Digest;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import dev.speglar.registry.testing.RawHttp.Response;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same image served by the real CNCF distribution registry (the reference implementation) and by this server,
 * asked the same questions: status codes, the headers containerd relies on and the bytes must agree.
 */
@Tag("real")
class DistributionConformanceTest {
    private static final String ACCEPT = "Accept: application/vnd.oci.image.manifest.v1+json, "
            + "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
            + "application/vnd.docker.distribution.manifest.list.v2+json";
    private static DistributionRegistry distribution;
    private static RegistryServer speglar;
    private static InetSocketAddress speglarAddress;
    private static TestImages images;

    @BeforeAll
    static void start() throws Exception {
        images = TestImages.shared();
        distribution = DistributionRegistry.create().start();
        images.pushTo(distribution);
        FakeContentStore store = new FakeContentStore(Files.createTempDirectory("conformance"));
        ImageFixture test = images.test();
        for (BlobInfo b : blobs()) {
            store.add(b.mediaType(), read(images.layout().blob(b.digest())));
        }
        store.tag(
                distribution.hostPort() + "/" + test.repository() + ":" + test.tag(),
                Digest.parse(test.manifest().digest()));
        store.tag(
                distribution.hostPort() + "/" + images.multi().repository() + ":"
                        + images.multi().tag(),
                Digest.parse(images.multi().index().digest()));
        speglar = RegistryServer.builder().store(store).build();
        speglarAddress = speglar.start();
    }

    @AfterAll
    static void stop() {
        if (speglar != null) {
            speglar.close();
        }
        if (distribution != null) {
            distribution.close();
        }
    }

    private static List<BlobInfo> blobs() {
        List<BlobInfo> all = new ArrayList<>(images.test().allBlobs());
        all.add(images.multi().index());
        all.addAll(images.multi().platform("linux/arm64").allBlobs());
        return all;
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> questions() {
        ImageFixture test = TestImages.shared().test();
        String repo = test.repository();
        BlobInfo layer = test.layers().stream()
                .max(java.util.Comparator.comparingLong(BlobInfo::size))
                .orElseThrow();
        String blob = "/v2/" + repo + "/blobs/" + layer.digest();
        long size = layer.size();
        String multi = "/v2/" + TestImages.MULTI_REPOSITORY + "/manifests/" + TestImages.TAG;
        return Stream.of(
                Arguments.of("HEAD manifest by tag", "HEAD", "/v2/" + repo + "/manifests/" + test.tag(), null),
                Arguments.of("GET manifest by tag", "GET", "/v2/" + repo + "/manifests/" + test.tag(), null),
                Arguments.of(
                        "GET manifest by digest",
                        "GET",
                        "/v2/" + repo + "/manifests/" + test.manifest().digest(),
                        null),
                Arguments.of("HEAD index by tag", "HEAD", multi, null),
                Arguments.of("GET index by tag", "GET", multi, null),
                Arguments.of("HEAD blob", "HEAD", blob, null),
                Arguments.of("GET blob", "GET", blob, null),
                Arguments.of(
                        "GET config",
                        "GET",
                        "/v2/" + repo + "/blobs/" + test.config().digest(),
                        null),
                Arguments.of("resume from the middle", "GET", blob, "bytes=" + size / 2 + "-"),
                Arguments.of("first byte", "GET", blob, "bytes=0-0"),
                Arguments.of("last byte", "GET", blob, "bytes=" + (size - 1) + "-"),
                Arguments.of("suffix", "GET", blob, "bytes=-100"),
                Arguments.of("suffix longer than blob", "GET", blob, "bytes=-" + (size * 2)),
                Arguments.of("end past size", "GET", blob, "bytes=10-" + (size * 2)),
                Arguments.of("HEAD with range", "HEAD", blob, "bytes=1-3"),
                Arguments.of("start past size", "GET", blob, "bytes=" + size + "-"),
                Arguments.of("unknown blob", "GET", "/v2/" + repo + "/blobs/sha256:" + "0".repeat(64), null),
                Arguments.of("unknown blob HEAD", "HEAD", "/v2/" + repo + "/blobs/sha256:" + "0".repeat(64), null),
                Arguments.of("unknown tag", "HEAD", "/v2/" + repo + "/manifests/nope", null),
                Arguments.of(
                        "unknown manifest digest", "GET", "/v2/" + repo + "/manifests/sha256:" + "1".repeat(64), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("questions")
    void agreesWithTheReferenceRegistry(String name, String method, String path, String range) throws IOException {
        Response reference = ask(distribution.address(), method, path, range, "");
        Response ours = ask(speglarAddress, method, path, range, "?ns=" + distribution.hostPort());
        assertThat(ours.status()).as(name + " status").isEqualTo(reference.status());
        if (reference.status() / 100 == 2) {
            for (String h : List.of("content-length", "docker-content-digest", "content-range")) {
                assertThat(ours.header(h)).as(name + " " + h).isEqualTo(reference.header(h));
            }
            if (path.contains("/manifests/")) {
                assertThat(ours.header("content-type"))
                        .as(name + " content-type")
                        .isEqualTo(reference.header("content-type"));
            } else {
                assertThat(ours.header("accept-ranges"))
                        .as(name + " accept-ranges")
                        .isEqualTo("bytes");
            }
            if (reference.status() == 206) {
                assertThat(ours.header("content-type")).isEqualTo(reference.header("content-type"));
            }
            assertThat(ours.body()).as(name + " body").isEqualTo(reference.body());
        } else if (reference.status() == 416) {
            assertThat(ours.header("content-range")).isEqualTo(reference.header("content-range"));
        } else {
            // Both speak the OCI error format; codes may differ in detail, but both are JSON errors.
            assertThat(ours.header("content-type")).startsWith("application/json");
        }
        assertThat(ours.header("content-encoding")).isNull();
        assertThat(ours.header("docker-distribution-api-version"))
                .as(name + " docker-distribution-api-version")
                .isEqualTo(reference.header("docker-distribution-api-version"));
    }

    private static Response ask(InetSocketAddress to, String method, String path, String range, String query)
            throws IOException {
        try (RawHttp c = new RawHttp(to)) {
            return range == null
                    ? c.exchange(method, path + query, ACCEPT, "Accept-Encoding: gzip")
                    : c.exchange(method, path + query, ACCEPT, "Accept-Encoding: gzip", "Range: " + range);
        }
    }
}

package dev.speglar.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.registry.ByteRange;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.DistributionRequest.Kind;
import dev.speglar.registry.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DistributionPathParserTest {
    private static final String D = "sha256:03ffdf45276dd38ffac79b0e9c6c14d89d9113ad783d5922580f4c66a3305591";
    private final DistributionPathParser parser = new DistributionPathParser("docker.io");
    private final DistributionPathParser strict = new DistributionPathParser("");

    @Test
    void tagWithNamespace() {
        DistributionRequest r = parser.parse(false, "/v2/foo/bar/manifests/hello-world", "example.com", null, false);
        assertThat(r.kind()).isEqualTo(Kind.MANIFEST);
        assertThat(r.repository()).isEqualTo("foo/bar");
        assertThat(r.tag()).isEqualTo("hello-world");
        assertThat(r.key()).isEqualTo("example.com/foo/bar:hello-world");
    }

    @Test
    void separatorsFromUpstreamVectors() {
        assertThat(parser.parse(true, "/v2/test/foo__bar------test_baz/manifests/latest", "x.io", null, false)
                        .repository())
                .isEqualTo("test/foo__bar------test_baz");
        assertThatThrownBy(() -> parser.parse(false, "/v2/foo___bar/manifests/dev", "x.io", null, false))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.code()).isEqualTo("NAME_INVALID"));
    }

    @Test
    void tagWithoutNamespaceUsesDefaultRegistryOrIsRefusedInStrictMode() {
        assertThat(parser.parse(false, "/v2/library/alpine/manifests/3.20", null, null, false)
                        .key())
                .isEqualTo("docker.io/library/alpine:3.20");
        assertThatThrownBy(() -> strict.parse(false, "/v2/library/alpine/manifests/3.20", null, null, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(404);
                    assertThat(e.getMessage()).isEqualTo("registry parameter needs to be set for tag references");
                });
    }

    @Test
    void digestWithoutNamespaceHasEmptyRegistryAndKeyIsTheDigest() {
        DistributionRequest r = strict.parse(false, "/v2/a/blobs/" + D, null, "bytes=10-", false);
        assertThat(r.registry()).isEmpty();
        assertThat(r.key()).isEqualTo(D);
        assertThat(r.range()).contains(ByteRange.from(10));
        assertThat(r.forwardPathAndQuery()).isEqualTo("/v2/a/blobs/" + D + "?ns=");
    }

    @Test
    void nameMayContainTheWordManifestsOrBlobs() {
        DistributionRequest r = parser.parse(false, "/v2/blobs/manifests/manifests/" + D, "q.io", null, true);
        assertThat(r.repository()).isEqualTo("blobs/manifests");
        assertThat(r.digest().toString()).isEqualTo(D);
        assertThat(r.mirrored()).isTrue();
    }

    @Test
    void manifestRangeIsIgnored() {
        assertThat(parser.parse(false, "/v2/a/manifests/" + D, null, "bytes=oops", false)
                        .range())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/v2/foo/blobs/v0.0.1|400|DIGEST_INVALID|invalid checksum digest format",
                "/v2/foo/blobs/sha256:123|400|DIGEST_INVALID|invalid checksum digest length for sha256",
                "/v2/foo/blobs/sha253:foobar|400|DIGEST_INVALID|unsupported digest algorithm: sha253",
                "/v2/foo/manifests/sha253:foobar|400|DIGEST_INVALID|unsupported digest algorithm: sha253",
                "/v2/foo/manifests/-bad|400|MANIFEST_INVALID|invalid tag",
                "/v2/Foo/manifests/latest|400|NAME_INVALID|invalid repository name",
                "/v2/../etc/manifests/latest|400|NAME_INVALID|invalid repository name",
                "/v2/a/%2e%2e/manifests/latest|400|NAME_INVALID|invalid repository name",
                "/v2/a//b/manifests/latest|400|NAME_INVALID|invalid repository name",
                "/v2/a/blobs/uploads/1234|404|UNSUPPORTED|endpoint not supported by this read-only mirror",
                "/v2/a/tags/list|404|UNSUPPORTED|endpoint not supported by this read-only mirror",
                "/v2/_catalog|404|UNSUPPORTED|endpoint not supported by this read-only mirror",
                "/v2/manifests/latest|404|UNSUPPORTED|endpoint not supported by this read-only mirror",
                "/v2/a/manifests/|404|UNSUPPORTED|endpoint not supported by this read-only mirror",
            })
    void refusals(String path, int status, String code, String message) {
        assertThatThrownBy(() -> parser.parse(false, path, "docker.io", null, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(status);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void overLongNameAndBadNamespaceAndBadRange() {
        String longName = "a".repeat(256);
        assertThatThrownBy(() -> parser.parse(false, "/v2/" + longName + "/manifests/x", "d.io", null, false))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.code()).isEqualTo("NAME_INVALID"));
        assertThatThrownBy(() -> parser.parse(false, "/v2/a/manifests/x", "evil/../host", null, false))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.status().code()).isEqualTo(400));
        assertThatThrownBy(() -> parser.parse(false, "/v2/a/blobs/" + D, null, "bytes=5-1", false))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.code()).isEqualTo("RANGE_INVALID"));
        assertThatThrownBy(() -> parser.parse(false, "/v2/a/blobs/" + D, null, "bytes=0-1,3-4", false))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.status().code()).isEqualTo(400));
    }

    @Test
    void namespaceMayCarryPortsAndIpv6() {
        assertThat(parser.parse(false, "/v2/a/manifests/1", "127.0.0.1:5000", null, false)
                        .key())
                .isEqualTo("127.0.0.1:5000/a:1");
        assertThat(parser.parse(false, "/v2/a/manifests/1", "[::1]:8080", null, false)
                        .registry())
                .isEqualTo("[::1]:8080");
    }
}

package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.oci.Digest;
import dev.speglar.registry.DistributionRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerHeadTest {
    private static final Digest D = Digest.sha256("x".getBytes());
    private static final DistributionRequest BLOB = new DistributionRequest(
            false, DistributionRequest.Kind.BLOB, "library/a", "docker.io", null, D, Optional.empty(), false);
    private static final DistributionRequest TAG = new DistributionRequest(
            false, DistributionRequest.Kind.MANIFEST, "library/a", "docker.io", "1.0", null, Optional.empty(), false);

    private static DefaultHttpResponse response(int status, String... headers) {
        var r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void partialContentTakesOffsetAndTotalFromContentRange() throws Exception {
        var h = PeerHead.parse(
                response(206, "Content-Range", "bytes 1066764-2133527/2133528", "Content-Length", "1066764"), BLOB);
        assertThat(h.start()).isEqualTo(1066764);
        assertThat(h.length()).isEqualTo(1066764);
        assertThat(h.total()).isEqualTo(2133528);
        assertThat(h.contentType()).isEqualTo("application/octet-stream");
        assertThat(h.digest()).isEqualTo(D);
    }

    @Test
    void inconsistentOrMissingHeadersAreRefused() {
        assertThatThrownBy(() -> PeerHead.parse(response(200), BLOB)).hasMessageContaining("Content-Length");
        assertThatThrownBy(() -> PeerHead.parse(response(206, "Content-Range", "bytes 5-1/10"), BLOB))
                .hasMessageContaining("Content-Range");
        assertThatThrownBy(() ->
                        PeerHead.parse(response(206, "Content-Range", "bytes 0-9/10", "Content-Length", "3"), BLOB))
                .hasMessageContaining("disagrees");
        assertThatThrownBy(() -> PeerHead.parse(response(200, "Content-Length", "-1"), BLOB))
                .isNotNull();
        assertThatThrownBy(() -> PeerHead.parse(response(500), BLOB)).hasMessageContaining("500");
        assertThatThrownBy(() -> PeerHead.parse(
                        response(
                                200,
                                "Content-Length",
                                "1",
                                "Docker-Content-Digest",
                                Digest.sha256("y".getBytes()).toString()),
                        BLOB))
                .hasMessageContaining("digest");
        assertThatThrownBy(() -> PeerHead.parse(
                        response(
                                200,
                                "Content-Length",
                                "1",
                                "Content-Type",
                                "application/vnd.oci.image.manifest.v1+json"),
                        BLOB))
                .hasMessageContaining("manifest for a blob");
    }

    @Test
    void tagsNeedADigestAndAManifestType() throws Exception {
        assertThatThrownBy(() -> PeerHead.parse(
                        response(
                                200,
                                "Content-Length",
                                "2",
                                "Content-Type",
                                "application/vnd.oci.image.manifest.v1+json"),
                        TAG))
                .hasMessageContaining("Docker-Content-Digest");
        assertThatThrownBy(() -> PeerHead.parse(
                        response(
                                200,
                                "Content-Length",
                                "2",
                                "Content-Type",
                                "application/octet-stream",
                                "Docker-Content-Digest",
                                D.toString()),
                        TAG))
                .hasMessageContaining("manifest");
        var h = PeerHead.parse(
                response(
                        200,
                        "Content-Length",
                        "2",
                        "Content-Type",
                        "application/vnd.oci.image.index.v1+json",
                        "Docker-Content-Digest",
                        D.toString()),
                TAG);
        assertThat(h.digest()).isEqualTo(D);
    }

    @Test
    void unsatisfiableRangeReportsTheSizeWhenGiven() throws Exception {
        assertThat(PeerHead.parse(response(416, "Content-Range", "bytes */20"), BLOB)
                        .total())
                .isEqualTo(20);
        assertThat(PeerHead.parse(response(416), BLOB).total()).isEqualTo(-1);
    }
}

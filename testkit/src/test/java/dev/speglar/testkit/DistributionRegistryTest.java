package dev.speglar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("real")
class DistributionRegistryTest {
    private static final String OCI_ACCEPT = OciLayout.MANIFEST + ", " + OciLayout.INDEX;
    private static DistributionRegistry registry;
    private static TestImages images;

    @BeforeAll
    static void start() {
        registry = DistributionRegistry.create().start();
        images = TestImages.shared().pushTo(registry);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void servesPushedImagesWithTheDigestsOfTheLayout() {
        ImageFixture test = images.test();
        HttpResponse<byte[]> head = Http.head(registry.url() + "/v2/library/test/manifests/1.0", "Accept", OCI_ACCEPT);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest"))
                .hasValue(test.manifest().digest());

        HttpResponse<byte[]> index = Http.get(registry.url() + "/v2/library/multi/manifests/1.0", "Accept", OCI_ACCEPT);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat("sha256:" + OciLayout.sha256(index.body()))
                .isEqualTo(images.multi().index().digest());

        BlobInfo layer = test.layers().getFirst();
        HttpResponse<byte[]> blob = Http.get(registry.url() + "/v2/library/test/blobs/" + layer.digest());
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat("sha256:" + OciLayout.sha256(blob.body())).isEqualTo(layer.digest());
    }

    @Test
    void accessLogRecordsRequestsAndDataSurvivesARestart() {
        registry.markLog();
        String path = "/v2/library/test/manifests/" + images.test().manifest().digest();
        assertThat(Http.get(registry.url() + path, "Accept", OCI_ACCEPT).statusCode())
                .isEqualTo(200);
        assertThat(Http.get(registry.url() + "/v2/library/nope/manifests/1.0").statusCode())
                .isEqualTo(404);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(registry.requestsSinceMark())
                        .containsExactly(
                                new DistributionRegistry.Request("GET", path, 200),
                                new DistributionRegistry.Request("GET", "/v2/library/nope/manifests/1.0", 404)));

        registry.stop();
        assertThat(Http.status(registry.url() + "/v2/")).isEqualTo(-1);
        registry.start();
        assertThat(Http.get(registry.url() + path, "Accept", OCI_ACCEPT).statusCode())
                .isEqualTo(200);
    }
}

package dev.speglar.e2e;

import static dev.speglar.e2e.PullingNode.assertHasBlobs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.containerd.cri.CriClient;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.Http;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.IndexFixture;
import dev.speglar.testkit.OciLayout;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A second containerd pulls through the agent while the upstream registry is stopped. */
@Tag("real")
class PullThroughAgentE2ETest {
    private static final String ACCEPT = OciLayout.MANIFEST + ", " + OciLayout.INDEX
            + ", application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";
    private static SourceNode source;
    private static InProcessAgent agent;

    @BeforeAll
    static void start() throws Exception {
        source = SourceNode.shared();
        agent = InProcessAgent.start(source.storeFlags());
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void ctrPullsTheSingleArchImageFromTheAgentAlone() throws Exception {
        ImageFixture test = source.images.test();
        String ref = test.reference(source.registryHost());
        try (ContainerdDaemon node = PullingNode.configured(source.upstream.url(), agent.url())) {
            node.ctr("images", "pull", "--hosts-dir", node.certsDir().toString(), ref);

            assertThat(node.imageDigest(ref)).hasValue(test.manifest().digest());
            assertHasBlobs(node, test.allBlobs());
        }
    }

    @Test
    void ctrPullsTheMultiArchIndexFromTheAgentAlone() throws Exception {
        IndexFixture multi = source.images.multi();
        String ref = multi.reference(source.registryHost());
        try (ContainerdDaemon node = PullingNode.configured(source.upstream.url(), agent.url())) {
            node.ctr("images", "pull", "--hosts-dir", node.certsDir().toString(), "--platform", "linux/amd64", ref);

            assertThat(node.imageDigest(ref)).hasValue(multi.index().digest());
            assertThat(node.contentBlob(multi.index().digest())).exists();
            assertHasBlobs(node, multi.platform("linux/amd64").allBlobs());
        }
    }

    @Test
    void criPullImageOfBothImagesIsServedByTheAgentAlone() throws Exception {
        ImageFixture test = source.images.test();
        IndexFixture multi = source.images.multi();
        try (ContainerdDaemon node = PullingNode.configured(source.upstream.url(), agent.url());
                CriClient cri = CriClient.connect(node.socket(), Duration.ofSeconds(30))) {
            // The kubelet path: containerd's CRI plugin does the HTTP itself, reading the hosts.toml from config_path.
            String testId = cri.pullImage(test.reference(source.registryHost()), Duration.ofSeconds(60));
            String multiId = cri.pullImage(multi.reference(source.registryHost()), Duration.ofSeconds(60));

            assertThat(testId).isEqualTo(test.config().digest());
            assertThat(multiId).isEqualTo(multi.platform("linux/amd64").config().digest());
            assertThat(node.imageDigest(test.reference(source.registryHost())))
                    .hasValue(test.manifest().digest());
            assertThat(node.imageDigest(multi.reference(source.registryHost())))
                    .hasValue(multi.index().digest());
            assertHasBlobs(node, test.allBlobs());
            assertThat(node.contentBlob(multi.index().digest())).exists();
        }
    }

    @Test
    void headByTagAnswersTheDigestContainerdStored() {
        String ref = source.images.test().reference(source.registryHost());
        String stored = source.containerd.imageDigest(ref).orElseThrow();

        HttpResponse<byte[]> head =
                Http.head(agent.url() + "/v2/library/test/manifests/1.0?ns=" + source.registryHost(), "Accept", ACCEPT);

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(stored);
        assertThat(head.headers().firstValue("Content-Type")).hasValue(OciLayout.MANIFEST);
        assertThat(head.headers().firstValueAsLong("Content-Length"))
                .hasValue(source.images.test().manifest().size());
        assertThat(head.body()).isEmpty();
    }

    @Test
    void imageRemovedFromContainerdStopsBeingServedWithinASecond() throws Exception {
        ImageFixture gone = source.gone;
        String tagUrl = agent.url() + "/v2/library/gone/manifests/1.0?ns=" + source.registryHost();
        BlobInfo layer = gone.layers().getFirst();
        String blobUrl = agent.url() + "/v2/library/gone/blobs/" + layer.digest() + "?ns=" + source.registryHost();
        assertThat(Http.head(tagUrl, "Accept", ACCEPT).statusCode()).isEqualTo(200);
        assertThat(Http.get(blobUrl).body()).hasSize((int) layer.size());

        // As kubelet's image GC does: CRI RemoveImage drops every name of the image (the CRI plugin also keeps a record
        // named by the config digest), after which containerd garbage-collects the content.
        try (CriClient cri = CriClient.connect(source.containerd.socket(), Duration.ofSeconds(30))) {
            cri.removeImage(gone.reference(source.registryHost()));
        }

        Awaitility.await("removed image no longer served")
                .atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    assertThat(source.containerd.contentBlob(layer.digest()))
                            .as("garbage-collected layer")
                            .doesNotExist();
                    assertThat(Http.head(tagUrl, "Accept", ACCEPT).statusCode())
                            .as("HEAD tag")
                            .isEqualTo(404);
                    assertThat(Http.get(blobUrl).statusCode()).as("GET layer").isEqualTo(404);
                });
    }
}

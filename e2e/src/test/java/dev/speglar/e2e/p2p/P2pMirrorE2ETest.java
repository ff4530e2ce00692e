package dev.speglar.e2e.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 4 acceptance on real software: three nodes (private containerd + agent, each on its own 127.0.0.x) joined by
 * static bootstrap, with the distribution registry as upstream. Node 1 pulls from upstream; nodes 2 and 3 then pull
 * from node 1 through their own agents — first with upstream up (upstream must see no blob fetch from them), then
 * with upstream stopped.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class P2pMirrorE2ETest {
    private DistributionRegistry upstream;
    private TestImages images;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeAll
    void cluster() throws Exception {
        upstream = DistributionRegistry.create().start();
        images = TestImages.shared().pushTo(upstream);
        nodes.addAll(Node.startCluster(3, upstream.hostPort()));
    }

    @AfterAll
    void teardown() {
        nodes.forEach(Node::close);
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    @Order(1)
    void peersPullFromNodeOneAndUpstreamServesNoBlobToThem() {
        ImageFixture test = images.test();
        String ref = test.reference(upstream.hostPort());
        nodes.get(0).pull(ref);
        assertThat(nodes.get(0).containerd.imageDigest(ref))
                .contains(test.manifest().digest());
        awaitAdvertised(nodes.get(0), test);

        upstream.markLog();
        nodes.get(1).pull(ref);
        assertThat(nodes.get(1).containerd.imageDigest(ref))
                .contains(test.manifest().digest());
        assertThat(upstream.requestsSinceMark()).noneMatch(r -> r.path().contains("/blobs/"));
        for (BlobInfo b : test.allBlobs()) {
            assertThat(nodes.get(1).containerd.contentBlob(b.digest())).exists();
        }
    }

    @Test
    @Order(2)
    void withUpstreamStoppedAFreshNodePullsByTagAndByDigestIncludingMultiArch() {
        String multi = images.multi().reference(upstream.hostPort());
        nodes.get(0).pull(multi);
        awaitAdvertised(nodes.get(0), images.multi().platform("linux/amd64"));
        upstream.stop();
        try {
            ImageFixture test = images.test();
            String byDigest = upstream.hostPort() + "/" + test.repository() + "@"
                    + test.manifest().digest();
            nodes.get(2).pull(byDigest);
            nodes.get(2).pull(test.reference(upstream.hostPort()));
            nodes.get(2).pull(multi);
            assertThat(nodes.get(2).containerd.imageDigest(test.reference(upstream.hostPort())))
                    .contains(test.manifest().digest());
            assertThat(nodes.get(2).containerd.imageDigest(multi))
                    .contains(images.multi().index().digest());
        } finally {
            upstream.start();
        }
    }

    private static void awaitAdvertised(Node n, ImageFixture image) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> n.agent()
                        .sync()
                        .advertised()
                        .containsAll(
                                image.allBlobs().stream().map(BlobInfo::digest).toList()));
    }
}

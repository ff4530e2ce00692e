package dev.speglar.e2e.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.containerd.cri.CriClient;
import dev.speglar.oci.Digest;
import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.Dockerd;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 fault and client tests on real software: a fresh three-node cluster per test (private containerd + agent on
 * its own 127.0.0.x each), the distribution registry as upstream.
 */
@Tag("real")
class P2pFaultsE2ETest {
    private DistributionRegistry upstream;
    private TestImages images;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void cluster() throws Exception {
        upstream = DistributionRegistry.create().start();
        images = TestImages.shared().pushTo(upstream);
        nodes.addAll(Node.startCluster(3, upstream.hostPort()));
    }

    @AfterEach
    void teardown() {
        nodes.forEach(Node::close);
        nodes.clear();
        if (upstream != null) {
            upstream.close();
        }
    }

    private void pullOnNode1AndAwaitAdvertised(String ref, ImageFixture image) {
        nodes.get(0).pull(ref);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> nodes.get(0)
                        .agent()
                        .sync()
                        .advertised()
                        .containsAll(
                                image.allBlobs().stream().map(BlobInfo::digest).toList()));
    }

    @Test
    void criPullImageOnAnotherNodeIsServedByThePeerWithUpstreamStopped() throws Exception {
        ImageFixture test = images.test();
        String ref = test.reference(upstream.hostPort());
        pullOnNode1AndAwaitAdvertised(ref, test);
        upstream.stop();
        try (CriClient cri = CriClient.connect(nodes.get(1).containerd.socket(), Duration.ofSeconds(60))) {
            cri.pullImage(ref, Duration.ofSeconds(60));
        }
        assertThat(nodes.get(1).containerd.imageDigest(ref))
                .contains(test.manifest().digest());
        assertThat(nodes.get(1).counter("spegel_mirror_requests_total", "cache=\"hit\""))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void dockerWithRegistryMirrorPullsAnImageOnlyAnotherNodeHolds() throws Exception {
        ImageFixture test = images.test();
        // node 1 holds docker.io/library/test:1.0 (its docker.io "upstream" is the local registry)
        pullOnNode1AndAwaitAdvertised("docker.io/" + test.repository() + ":" + test.tag(), test);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> nodes.get(0)
                        .agent()
                        .sync()
                        .advertised()
                        .contains("docker.io/" + test.repository() + ":" + test.tag()));
        upstream.stop();
        try (Dockerd docker = Dockerd.withMirrors(nodes.get(1).mirrorUrl()).start()) {
            Exec.Result pull = docker.docker("pull", test.repository() + ":" + test.tag());
            assertThat(pull.exitCode()).as(pull.stderr() + docker.logText()).isZero();
            Exec.Result digests = docker.docker(
                    "image", "inspect", "--format", "{{json .RepoDigests}}", test.repository() + ":" + test.tag());
            assertThat(digests.stdout()).contains(test.manifest().digest());
        }
    }

    @Test
    void corruptPeerIsCutOffAvoidedAndNothingCorruptIsCommitted() throws Exception {
        ImageFixture test = images.test();
        String ref = test.reference(upstream.hostPort());
        pullOnNode1AndAwaitAdvertised(ref, test);
        BlobInfo layer = test.layers().getFirst();
        Path onDisk = nodes.get(0).containerd.contentBlob(layer.digest());
        byte[] bytes = Files.readAllBytes(onDisk);
        bytes[bytes.length / 2] ^= 0x5a;
        onDisk.toFile().setWritable(true);
        Files.write(onDisk, bytes);

        // The first pull may fail (containerd does not fall back on wrong bytes), but it must never commit them.
        nodes.get(2)
                .containerd
                .ctrResult("image", "pull", "--hosts-dir", nodes.get(2).certs().toString(), ref);
        Path pulled = nodes.get(2).containerd.contentBlob(layer.digest());
        if (Files.exists(pulled)) {
            assertThat(Digest.sha256(Files.readAllBytes(pulled)).toString()).isEqualTo(layer.digest());
        }
        assertThat(nodes.get(2).counter("speglar_mirror_integrity_failures_total", ""))
                .isGreaterThanOrEqualTo(1);

        // The corrupt peer is now avoided: asking node 3 for that blob is a prompt 404, so containerd goes upstream.
        HttpResponse<byte[]> direct = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(nodes.get(2).mirrorUrl() + "/v2/" + test.repository()
                                        + "/blobs/" + layer.digest() + "?ns=" + upstream.hostPort()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(direct.statusCode()).isEqualTo(404);
    }

    @Test
    void containerdRestartedUnderAnAgentKeepsItServingAndAdvertisingNewContent() throws Exception {
        ImageFixture test = images.test();
        pullOnNode1AndAwaitAdvertised(test.reference(upstream.hostPort()), test);
        nodes.get(0).containerd.restart();
        String multi = images.multi().reference(upstream.hostPort());
        nodes.get(0).pull(multi);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> nodes.get(0)
                        .agent()
                        .sync()
                        .advertised()
                        .contains(images.multi().index().digest()));
        upstream.stop();
        nodes.get(1).pull(multi);
        nodes.get(1).pull(test.reference(upstream.hostPort()));
        assertThat(nodes.get(1).containerd.imageDigest(multi))
                .contains(images.multi().index().digest());
    }

    @Test
    void servingAgentKilledMidBlobWhileAnotherNodeHoldsItThePullStillSucceeds() throws Exception {
        OciLayout layout = OciLayout.init(TempDirs.create("big").resolve("layout"));
        ImageFixture big = BigImages.generate(layout, "library/big", "1.0", 4, 192L << 20, 7);
        TestImages.push(layout, "1.0", upstream.hostPort() + "/library/big:1.0", false);
        String ref = big.reference(upstream.hostPort());
        nodes.get(0).pull(ref);
        nodes.get(1).pull(ref);
        for (Node n : nodes.subList(0, 2)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> n.agent()
                            .sync()
                            .advertised()
                            .contains(big.manifest().digest()));
        }
        upstream.stop();
        Thread puller = Thread.ofVirtual().start(() -> nodes.get(2).pull(ref));
        // Whichever peer serves a layer first is stopped while the transfer runs.
        Node[] serving = new Node[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    for (Node n : nodes.subList(0, 2)) {
                        if (n.counter("http_requests_inflight", "/v2/") > 0) {
                            serving[0] = n;
                            return true;
                        }
                    }
                    return false;
                });
        serving[0].stopAgent();
        puller.join(Duration.ofSeconds(120));
        assertThat(puller.isAlive()).isFalse();
        assertThat(nodes.get(2).containerd.imageDigest(ref))
                .contains(big.manifest().digest());
    }
}

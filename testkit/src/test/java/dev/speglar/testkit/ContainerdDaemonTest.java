package dev.speglar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("real")
class ContainerdDaemonTest {
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
    void pullsFromTheRegistryKeepsCompressedLayersAndSurvivesRestart() throws Exception {
        try (ContainerdDaemon containerd = ContainerdDaemon.create().start()) {
            containerd.writeHostsToml(registry.hostPort(), "server = \"" + registry.url() + "\"\n");
            ImageFixture test = images.test();
            String ref = test.reference(registry.hostPort());

            containerd.ctr(
                    "images", "pull", "--hosts-dir", containerd.certsDir().toString(), ref);

            assertThat(containerd.imageNames()).contains(ref);
            assertThat(containerd.imageDigest(ref)).hasValue(test.manifest().digest());
            for (BlobInfo blob : test.allBlobs()) {
                assertThat(containerd.contentBlob(blob.digest())).exists();
                assertThat("sha256:" + OciLayout.sha256(containerd.contentBlob(blob.digest())))
                        .isEqualTo(blob.digest());
            }
            assertThat(containerd.ctr("plugins", "ls"))
                    .containsPattern("io\\.containerd\\.grpc\\.v1\\s+cri\\s+\\S+\\s+ok");
            assertThat(registry.requests()).anySatisfy(r -> assertThat(r.path()).startsWith("/v2/library/test/blobs/"));

            containerd.restart();
            assertThat(containerd.imageNames()).contains(ref);
            assertThat(Files.size(
                            containerd.contentBlob(test.layers().getFirst().digest())))
                    .isEqualTo(test.layers().getFirst().size());
        }
    }

    @Test
    void pullsTheAmd64ManifestOfTheIndexWithTheNativeSnapshotter() {
        try (ContainerdDaemon containerd = ContainerdDaemon.create("native").start()) {
            containerd.writeHostsToml(registry.hostPort(), "server = \"" + registry.url() + "\"\n");
            IndexFixture multi = images.multi();

            containerd.ctr(
                    "images",
                    "pull",
                    "--hosts-dir",
                    containerd.certsDir().toString(),
                    "--platform",
                    "linux/amd64",
                    multi.reference(registry.hostPort()));

            String list = containerd.ctr("images", "ls");
            assertThat(list)
                    .contains(multi.reference(registry.hostPort()))
                    .contains(multi.index().digest());
            assertThat(containerd.contentBlob(multi.index().digest())).exists();
            assertThat(containerd.contentBlob(
                            multi.platform("linux/amd64").manifest().digest()))
                    .exists();
            assertThat(containerd.contentBlob(
                            multi.platform("linux/arm64").manifest().digest()))
                    .doesNotExist();
        }
    }
}

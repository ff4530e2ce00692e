package dev.speglar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TempDirs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Upstream-first tags against a real registry and real containerd: the node holds v1 tagged {@code latest} (and v2
 * under another tag); {@code latest} is re-pushed upstream as v2. With {@code --fresh-tags=latest} a pull through the
 * mirror gets v2 while the registry is up, and v1 (the node's own answer) once it is down.
 */
@Tag("real")
class FreshTagsE2ETest {
    private static final String REPO = "library/fresh";

    @Test
    void rePushedTagIsFreshWithUpstreamUpAndStillServedWithItDown() throws Exception {
        OciLayout layout = OciLayout.init(TempDirs.create("fresh").resolve("layout"));
        ImageFixture v1 = BigImages.generate(layout, REPO, "v1", 1, 32 * 1024, 11);
        ImageFixture v2 = BigImages.generate(layout, REPO, "v2", 1, 32 * 1024, 22);
        try (DistributionRegistry upstream = DistributionRegistry.create().start();
                ContainerdDaemon source = ContainerdDaemon.create().start()) {
            String host = upstream.hostPort();
            // The node pulls latest (v1); then the tag moves upstream.
            MovedTag.pullThenMove(layout, upstream, source, REPO);

            try (InProcessAgent agent = InProcessAgent.start(
                    "--store=containerd",
                    "--containerd-sock=" + source.socket(),
                    "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
                    "--containerd-content-path=" + source.contentDir(),
                    "--verify-containerd-config=false",
                    "--containerd-registry-config-path=" + source.certsDir(),
                    "--fresh-tags=latest,*-SNAPSHOT",
                    "--fresh-tags-timeout=1s")) {
                String latest = agent.url() + "/v2/" + REPO + "/manifests/latest?ns=" + host;
                assertThat(MovedTag.headDigest(latest)).hasValue(v2.manifest().digest());
                String ref = host + "/" + REPO + ":latest";
                try (ContainerdDaemon node = PullingNode.configured(upstream.url(), agent.url())) {
                    node.ctr("images", "pull", "--hosts-dir", node.certsDir().toString(), ref);
                    assertThat(node.imageDigest(ref)).hasValue(v2.manifest().digest());
                }

                upstream.stop();
                assertThat(MovedTag.headDigest(latest)).hasValue(v1.manifest().digest());
                try (ContainerdDaemon node = PullingNode.configured(upstream.url(), agent.url())) {
                    node.ctr("images", "pull", "--hosts-dir", node.certsDir().toString(), ref);
                    assertThat(node.imageDigest(ref)).hasValue(v1.manifest().digest());
                }
            }
        }
    }
}

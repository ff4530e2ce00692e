package dev.speglar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.agent.Main;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.OciLayout;
import java.nio.file.Files;
import java.util.List;

/** A fresh containerd whose certs.d was written by the agent's own {@code configuration} command. */
final class PullingNode {
    private PullingNode() {}

    /** Starts a containerd and points its {@code upstreamUrl} registry at {@code mirrorUrl}. */
    static ContainerdDaemon configured(String upstreamUrl, String mirrorUrl) {
        ContainerdDaemon node = ContainerdDaemon.create().start();
        int rc = Main.run(
                "configuration",
                "--log-level=WARN",
                "--containerd-registry-config-path",
                node.certsDir().toString(),
                "--mirrored-registries",
                upstreamUrl,
                "--mirror-targets",
                mirrorUrl,
                "--basic-auth-dir",
                "/nonexistent/speglar-e2e");
        if (rc != 0) {
            node.close();
            throw new AssertionError("configuration command failed with exit code " + rc);
        }
        return node;
    }

    /** Every blob is in the node's content store with exactly the expected bytes. */
    static void assertHasBlobs(ContainerdDaemon node, List<BlobInfo> blobs) throws Exception {
        for (BlobInfo blob : blobs) {
            assertThat(node.contentBlob(blob.digest())).exists();
            assertThat(Files.size(node.contentBlob(blob.digest()))).isEqualTo(blob.size());
            assertThat("sha256:" + OciLayout.sha256(node.contentBlob(blob.digest())))
                    .isEqualTo(blob.digest());
        }
    }
}

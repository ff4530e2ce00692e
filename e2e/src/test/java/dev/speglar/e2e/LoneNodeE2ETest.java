package dev.speglar.e2e;

import static dev.speglar.e2e.PullingNode.assertHasBlobs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.LoopbackAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A one-node cluster: a P2P agent (not --standalone) whose only seed never answers, serving a real containerd. With
 * --lone-node-ready it reports ready, says why, and containerd pulls its content through it.
 */
@Tag("real")
class LoneNodeE2ETest {
    @Test
    void loneNodeIsReadyAndServesItsOwnContent() throws Exception {
        SourceNode source = SourceNode.shared();
        InetAddress dead = LoopbackAddresses.nextAddress();
        List<String> flags = new ArrayList<>(List.of(source.storeFlags()));
        flags.addAll(List.of(
                "--bootstrap-kind=static",
                "--static-bootstrap-peers=/ip4/" + dead.getHostAddress() + "/tcp/" + LoopbackAddresses.freePort(dead),
                "--verify-containerd-config=false",
                "--lone-node-ready"));
        try (InProcessAgent agent = InProcessAgent.startP2p(flags.toArray(String[]::new))) {
            HttpResponse<String> ready = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(agent.url() + "/readyz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).matches("ready: no peers, serving \\d+ local image\\(s\\)\\n");

            ImageFixture test = source.images.test();
            String ref = test.reference(source.registryHost());
            try (ContainerdDaemon node = PullingNode.configured(source.upstream.url(), agent.url())) {
                node.ctr("images", "pull", "--hosts-dir", node.certsDir().toString(), ref);
                assertThat(node.imageDigest(ref)).hasValue(test.manifest().digest());
                assertHasBlobs(node, test.allBlobs());
            }
        }
    }
}

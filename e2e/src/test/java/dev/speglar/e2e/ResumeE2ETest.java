package dev.speglar.e2e;

import static dev.speglar.e2e.PullingNode.assertHasBlobs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.TapProxy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A blob cut mid-transfer is resumed by containerd with a Range request that the agent answers with 206. */
@Tag("real")
class ResumeE2ETest {
    @Test
    void containerdResumesACutBlobWithRangeAndThePullCompletes() throws Exception {
        SourceNode source = SourceNode.shared();
        try (InProcessAgent agent = InProcessAgent.start(source.storeFlags());
                TapProxy cutter = TapProxy.to(agent.address())) {
            ImageFixture test = source.images.test();
            BlobInfo big = test.layers().getFirst();
            long half = big.size() / 2;
            cutter.cut(path -> path.contains("/blobs/" + big.digest()), half, 1);

            try (ContainerdDaemon node = PullingNode.configured(source.upstream.url(), cutter.url())) {
                node.ctr(
                        "images",
                        "pull",
                        "--hosts-dir",
                        node.certsDir().toString(),
                        test.reference(source.registryHost()));

                assertHasBlobs(node, test.allBlobs());
            }
            var blobExchanges = cutter.exchanges().stream()
                    .filter(e -> e.path().contains("/blobs/" + big.digest()))
                    .toList();
            assertThat(blobExchanges).hasSizeGreaterThanOrEqualTo(2);
            assertThat(blobExchanges.getFirst()).satisfies(e -> {
                assertThat(e.cut()).isTrue();
                assertThat(e.status()).isEqualTo(200);
                assertThat(e.bodyBytes()).isEqualTo(half);
            });
            // containerd asks for the rest from where the cut happened (it may have written fewer bytes than received).
            assertThat(blobExchanges.get(1)).satisfies(e -> {
                assertThat(e.range()).matches("bytes=\\d+-");
                assertThat(Long.parseLong(e.range().substring(6, e.range().length() - 1)))
                        .isBetween(1L, half);
                assertThat(e.status()).isEqualTo(206);
                assertThat(e.bodyBytes())
                        .isEqualTo(big.size()
                                - Long.parseLong(
                                        e.range().substring(6, e.range().length() - 1)));
            });
        }
    }
}

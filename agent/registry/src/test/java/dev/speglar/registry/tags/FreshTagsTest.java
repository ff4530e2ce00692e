package dev.speglar.registry.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.oci.Digest;
import dev.speglar.registry.DistributionRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FreshTagsTest {
    private static final Digest D = Digest.sha256("new".getBytes());
    private final TagPolicy policy =
            new TagPolicy(List.of("latest", "*-SNAPSHOT", "library/app:edge*"), Duration.ofMillis(200));

    private static DistributionRequest tag(String repo, String tag, boolean mirrored) {
        return new DistributionRequest(
                true, DistributionRequest.Kind.MANIFEST, repo, "docker.io", tag, null, Optional.empty(), mirrored);
    }

    @Test
    void policyMatchesTagGlobsAndRepositoryGlobs() {
        assertThat(policy.matches("library/x", "latest")).isTrue();
        assertThat(policy.matches("library/x", "1.0-SNAPSHOT")).isTrue();
        assertThat(policy.matches("library/app", "edge-2")).isTrue();
        assertThat(policy.matches("library/other", "edge-2")).isFalse();
        assertThat(policy.matches("library/x", "latest2")).isFalse();
        assertThat(policy.matches("library/x", "1.0")).isFalse();
        assertThatThrownBy(() -> new TagPolicy(List.of("a b"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void upstreamDigestReplacesTheTagAndEverythingElseFallsBack() throws Exception {
        FreshTags answering =
                new FreshTags(policy, (r, repo, t) -> CompletableFuture.completedFuture(Optional.of(D)), null);
        DistributionRequest fresh =
                answering.resolve(tag("library/x", "latest", false)).get(1, TimeUnit.SECONDS);
        assertThat(fresh.digest()).isEqualTo(D);
        assertThat(fresh.tag()).isNull();
        assertThat(fresh.head()).isTrue();
        // Not in the policy, or forwarded by a peer: untouched.
        DistributionRequest pinned = tag("library/x", "1.0", false);
        assertThat(answering.resolve(pinned).get(1, TimeUnit.SECONDS)).isSameAs(pinned);
        DistributionRequest fromPeer = tag("library/x", "latest", true);
        assertThat(answering.resolve(fromPeer).get(1, TimeUnit.SECONDS)).isSameAs(fromPeer);

        DistributionRequest asked = tag("library/x", "latest", false);
        FreshTags down = new FreshTags(
                policy, (r, repo, t) -> CompletableFuture.failedFuture(new java.io.IOException("refused")), null);
        assertThat(down.resolve(asked).get(1, TimeUnit.SECONDS)).isSameAs(asked);
        FreshTags slow = new FreshTags(policy, (r, repo, t) -> new CompletableFuture<>(), null);
        assertThat(slow.resolve(asked).get(5, TimeUnit.SECONDS)).isSameAs(asked);
    }
}

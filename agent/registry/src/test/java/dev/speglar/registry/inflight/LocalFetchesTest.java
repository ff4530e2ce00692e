package dev.speglar.registry.inflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Digest;
import org.junit.jupiter.api.Test;

class LocalFetchesTest {
    private static final Digest D = Digest.parse("sha256:" + "ab".repeat(32));

    @Test
    void decidingUntilASourceIsChosenAndAnAbandonedDecisionIsForgotten() {
        LocalFetches f = new LocalFetches();
        assertThat(f.isKnown(D)).isFalse();
        f.deciding(D);
        assertThat(f.isDeciding(D)).isTrue();
        f.fetching(D);
        assertThat(f.isDeciding(D)).isFalse();
        f.forget(D); // a decision once made stays: the ingest grows
        assertThat(f.isKnown(D)).isTrue();

        f.deciding(D);
        f.forget(D);
        assertThat(f.isKnown(D)).isFalse();
    }
}

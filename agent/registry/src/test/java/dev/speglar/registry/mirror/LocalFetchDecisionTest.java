package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.routing.Peer;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tie-break between nodes deciding at the same time, and what each final outcome is counted as. */
class LocalFetchDecisionTest {
    private static PeerTarget inFlight(String id) {
        return new PeerTarget(
                new Peer(id, List.of(InetAddress.getLoopbackAddress()), 5000),
                List.of(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 5000)),
                true);
    }

    private static Race.Outcome.Lost lostWithBusy(String... ids) {
        return new Race.Outcome.Lost(
                ids.length,
                "none",
                java.util.Arrays.stream(ids)
                        .map(LocalFetchDecisionTest::inFlight)
                        .toList(),
                0);
    }

    @Test
    void onlyTheBiggerOfTwoDecidingNodesWaitsSoTheyNeverWaitOnEachOther() {
        assertThat(LocalFetch.defers(lostWithBusy("12D3KooWA"), "12D3KooWB")).isTrue();
        assertThat(LocalFetch.defers(lostWithBusy("12D3KooWB"), "12D3KooWA")).isFalse();
        // Among many deciding nodes only the smallest goes upstream; every other one waits for someone smaller.
        List<String> ids = List.of("12D3KooWC", "12D3KooWA", "12D3KooWD", "12D3KooWB");
        long goingUpstream = ids.stream()
                .filter(self -> !LocalFetch.defers(lostWithBusy(ids.toArray(String[]::new)), self))
                .count();
        assertThat(goingUpstream).isEqualTo(1);
        assertThat(LocalFetch.defers(lostWithBusy(ids.toArray(String[]::new)), "12D3KooWA"))
                .isFalse();
    }

    @Test
    void theFinalOutcomeNamesWhyThisNodeWentUpstream() {
        Race.Outcome.Lost alone = lostWithBusy();
        assertThat(LocalFetch.classify(alone, false, false)).isEqualTo(LocalFetch.Decision.UPSTREAM_ALONE);
        assertThat(LocalFetch.classify(alone, false, true)).isEqualTo(LocalFetch.Decision.UPSTREAM_STALLED);
        assertThat(LocalFetch.classify(lostWithBusy("12D3KooWZ"), false, false))
                .isEqualTo(LocalFetch.Decision.UPSTREAM_SMALLEST);
        assertThat(LocalFetch.classify(lostWithBusy("12D3KooWA"), true, false))
                .isEqualTo(LocalFetch.Decision.UPSTREAM_BUDGET);
        assertThat(LocalFetch.classify(new Race.Outcome.Expired(), false, false))
                .isEqualTo(LocalFetch.Decision.UPSTREAM_BUDGET);
        assertThat(LocalFetch.classify(new Race.Outcome.Gone(), false, false)).isNull();
        assertThat(LocalFetch.Decision.UPSTREAM_SMALLEST.label()).isEqualTo("upstream_smallest");
    }
}

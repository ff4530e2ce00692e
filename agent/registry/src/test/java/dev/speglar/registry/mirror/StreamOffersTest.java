package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamOffersTest {
    private record O(String id, long arrived) {}

    private static final long MIB = 1 << 20;

    @Test
    void theMostAdvancedWinsOverOneThatAnsweredFirstButHoldsLittle() {
        var seed = new O("seed", 100 * MIB);
        var late = new O("just-started", MIB);
        assertThat(StreamOffers.choose(List.of(late, seed), O::arrived)).isEqualTo(seed);
    }

    @Test
    void offersWithinTheMarginAreEqualAndTheFirstToAnswerWinsSoAskersSpread() {
        var follower = new O("follower", 96 * MIB);
        var seed = new O("seed", 100 * MIB);
        assertThat(StreamOffers.choose(List.of(follower, seed), O::arrived)).isEqualTo(follower);
        var behind = new O("behind", 100 * MIB - StreamOffers.SPREAD_MARGIN - 1);
        assertThat(StreamOffers.choose(List.of(behind, seed), O::arrived)).isEqualTo(seed);
    }

    @Test
    void noOffersNoChoice() {
        assertThat(StreamOffers.choose(List.<O>of(), O::arrived)).isNull();
    }
}

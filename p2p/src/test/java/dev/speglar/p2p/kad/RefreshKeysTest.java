package dev.speglar.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Bucket refresh targets land in the bucket they are meant for. */
class RefreshKeysTest {
    @Property(tries = 50)
    void keyLandsInTheRequestedBucket(@ForAll @Size(32) byte[] self, @ForAll @IntRange(min = 0, max = 12) int cpl) {
        byte[] me = KadId.of(self);
        byte[] key = Dht.keyWithCommonPrefix(me, cpl);
        assertThat(KadId.commonPrefixLength(me, KadId.of(key))).isEqualTo(cpl);
    }
}

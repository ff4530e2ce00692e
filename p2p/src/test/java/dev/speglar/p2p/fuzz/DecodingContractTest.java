package dev.speglar.p2p.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.p2p.P2pProtocolException;
import org.junit.jupiter.api.Test;

/** The fuzz contract itself must catch each way a decoder can misbehave. */
class DecodingContractTest {
    private static final byte[] INPUT = {1, 2, 3};

    @Test
    void acceptsValueOrTypedRejection() {
        assertThat(Decoding.decodesOrRejects(INPUT, () -> {})).isTrue();
        assertThat(Decoding.decodesOrRejects(INPUT, () -> {
                    throw new P2pProtocolException("bad");
                }))
                .isFalse();
    }

    @Test
    void flagsUntypedExceptions() {
        assertThatThrownBy(() -> Decoding.decodesOrRejects(INPUT, () -> {
                    throw new ArrayIndexOutOfBoundsException(7);
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("instead of P2pProtocolException");
    }

    @Test
    void flagsLargeAllocations() {
        assertThatThrownBy(() -> Decoding.decodesOrRejects(INPUT, () -> {
                    byte[] big = new byte[8 << 20];
                    big[big.length - 1] = 1;
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("allocated");
    }

    @Test
    void flagsHangsAndRecovers() {
        assertThatThrownBy(() -> Decoding.decodesOrRejects(INPUT, () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.onSpinWait();
                    }
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("did not finish");
        assertThat(Decoding.decodesOrRejects(INPUT, () -> {})).isTrue();
    }
}

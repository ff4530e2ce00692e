package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.oci.Digest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobHasherTest {

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {false, true})
    void digestOfTheChunksInOrderAndEveryBufferReleased(boolean inline) throws Exception {
        byte[] bytes = new byte[20 << 20];
        new Random(3).nextBytes(bytes);
        var hasher = new BlobHasher(MessageDigest.getInstance("SHA-256"), inline);
        List<ByteBuf> given = new ArrayList<>();
        for (int off = 0; off < bytes.length; off += 1 << 20) {
            ByteBuf b = Unpooled.directBuffer(1 << 20).writeBytes(bytes, off, 1 << 20);
            given.add(b);
            hasher.add(b.retainedDuplicate());
            b.release();
            if (hasher.saturated()) {
                var drained = new CountDownLatch(1);
                hasher.whenDrained(drained::countDown);
                assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }

        byte[] digest = hasher.finish().get(10, TimeUnit.SECONDS);

        assertThat("sha256:" + HexFormat.of().formatHex(digest))
                .isEqualTo(Digest.sha256(bytes).toString());
        assertThat(given).allMatch(b -> b.refCnt() == 0);
    }

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {false, true})
    void abortFailsTheVerdict(boolean inline) throws Exception {
        var hasher = new BlobHasher(MessageDigest.getInstance("SHA-256"), inline);
        hasher.abort();
        assertThatThrownBy(() -> hasher.finish().get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
    }
}

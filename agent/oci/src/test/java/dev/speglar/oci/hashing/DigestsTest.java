package dev.speglar.oci.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** libcrypto's SHA-256 must agree with the JDK's on every input shape the relay feeds it. */
class DigestsTest {
    @Test
    void sha256ComesFromLibcryptoOnThisHost() throws Exception {
        // Debian's libssl3 is on every CI machine; without it the relay would hash at C1 speed.
        assertThat(Digests.sha256Provider()).isEqualTo("openssl");
        assertThat(Digests.newDigest("SHA-256")).isInstanceOf(OpenSslSha256.class);
        assertThat(Digests.newDigest("SHA-512")).isNotInstanceOf(OpenSslSha256.class);
    }

    @Property(tries = 200)
    void agreesWithTheJdkForArraysDirectAndHeapBuffersAndSingleBytes(
            @ForAll @Size(max = 70_000) byte[] data,
            @ForAll @IntRange(min = 0, max = 70_000) int split1,
            @ForAll @IntRange(min = 0, max = 70_000) int split2)
            throws Exception {
        int a = Math.min(split1, data.length);
        int b = Math.max(a, Math.min(split2, data.length));
        MessageDigest ours = new OpenSslSha256();
        ours.update(data, 0, a);
        ByteBuffer direct = ByteBuffer.allocateDirect(b - a).put(data, a, b - a).flip();
        ours.update(direct);
        assertThat(direct.remaining()).isZero();
        if (b < data.length) {
            ours.update(data[b]);
            ours.update(ByteBuffer.wrap(data, b + 1, data.length - b - 1));
        }
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
        assertThat(ours.digest()).isEqualTo(expected);
        // digest() resets, as MessageDigest requires.
        assertThat(ours.digest(data)).isEqualTo(expected);
    }

    @Test
    void largeDirectBufferFromAnOffset() throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length + 100);
        direct.position(100);
        direct.put(data).position(100);
        MessageDigest ours = Digests.newDigest("SHA-256");
        ours.update(direct);
        assertThat(ours.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }
}

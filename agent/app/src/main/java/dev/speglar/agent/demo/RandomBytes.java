package dev.speglar.agent.demo;

import java.io.InputStream;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/** {@code size} random bytes as a stream: a fast generator seeded once from {@link SecureRandom}, so demo images differ. */
final class RandomBytes extends InputStream {
    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    private long left;

    RandomBytes(long size) {
        this.left = size;
    }

    @Override
    public int read() {
        if (left == 0) {
            return -1;
        }
        left--;
        return random.nextInt(256);
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (left == 0) {
            return len == 0 ? 0 : -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i += 8) {
            long r = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                b[off + i + j] = (byte) (r >>> (8 * j));
            }
        }
        left -= n;
        return n;
    }
}

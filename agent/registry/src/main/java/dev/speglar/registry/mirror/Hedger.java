package dev.speglar.registry.mirror;

import java.time.Duration;
import java.util.Arrays;

/**
 * Observed peer latencies (time to response headers) and the hedge delays derived from them: a slow peer gets company
 * once the race has lasted as long as the 80th, 85th and 90th percentile of recent races. Keeps a ring of the last
 * samples so the delays follow the cluster's current state.
 */
final class Hedger {
    static final int[] PERCENTILES = {80, 85, 90};
    static final Duration INITIAL = Duration.ofMillis(50);
    /** Loopback answers in well under a millisecond; hedging at 0 would always ask every peer at once. */
    static final long FLOOR_NANOS = Duration.ofMillis(2).toNanos();

    private static final int WINDOW = 256;

    private final long[] samples = new long[WINDOW];
    private int count;
    private int next;

    synchronized void record(Duration latency) {
        samples[next] = latency.toNanos();
        next = (next + 1) % WINDOW;
        count = Math.min(count + 1, WINDOW);
    }

    /** Hedge delays for {@link #PERCENTILES}, ascending. */
    synchronized long[] delaysNanos() {
        long[] out = new long[PERCENTILES.length];
        if (count == 0) {
            Arrays.fill(out, INITIAL.toNanos());
            return out;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        for (int i = 0; i < out.length; i++) {
            int idx = (int) Math.ceil(PERCENTILES[i] / 100.0 * count) - 1;
            out[i] = Math.max(FLOOR_NANOS, sorted[Math.clamp(idx, 0, count - 1)]);
        }
        return out;
    }

    /** The race budget once a fetch is in flight: max(2 × p90, floor); Spegel's floor is 100 ms. */
    long raceBudgetNanos(Duration floor) {
        long[] d = delaysNanos();
        return Math.max(2 * d[d.length - 1], floor.toNanos());
    }
}

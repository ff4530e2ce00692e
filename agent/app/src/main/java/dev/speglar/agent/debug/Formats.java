package dev.speglar.agent.debug;

import java.time.Duration;
import java.util.Locale;

/** Durations and sizes as the debug pages print them (the same units as upstream's page). */
final class Formats {
    private static final String[] DURATION_UNITS = {"d", "h", "m", "s", "ms"};
    private static final String SIZE_UNITS = "KMGTPE";

    private Formats() {}

    /** At most two adjacent non-zero units out of d, h, m, s, ms, e.g. {@code 1m 5s}; {@code <1ms} below a millisecond. */
    static String duration(Duration d) {
        if (d.compareTo(Duration.ofMillis(1)) < 0) {
            return "<1ms";
        }
        long[] values = {d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart(), d.toMillisPart()};
        StringBuilder b = new StringBuilder();
        int parts = 0;
        for (int i = 0; i < values.length && parts < 2; i++) {
            if (values[i] == 0) {
                if (parts > 0) {
                    break; // the next unit after a gap would mislead: "1h 0m" is printed as "1h"
                }
                continue;
            }
            b.append(parts > 0 ? " " : "").append(values[i]).append(DURATION_UNITS[i]);
            parts++;
        }
        return b.toString();
    }

    /** Bytes in 1024-based units with one decimal, e.g. {@code 1.5 KB}; plain {@code B} below 1 KiB. */
    static String bytes(long size) {
        if (size < 1024) {
            return size + " B";
        }
        long div = 1024;
        int exp = 0;
        for (long n = size / 1024; n >= 1024; n /= 1024) {
            div *= 1024;
            exp++;
        }
        return String.format(Locale.ROOT, "%.1f %cB", (double) size / div, SIZE_UNITS.charAt(exp));
    }
}

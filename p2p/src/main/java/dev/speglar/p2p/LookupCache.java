package dev.speglar.p2p;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Single flight plus a short cache per key (upstream: 5 s): a running or recent query is shared when it asked for
 * at least as many providers, or finished having found everything the network had.
 */
final class LookupCache {
    static final Duration TTL = Duration.ofSeconds(5);
    private static final int MAX_ENTRIES = 10_000;
    private final Map<String, SharedProviders> entries = new LinkedHashMap<>();

    synchronized SharedProviders get(String key, int count, Function<Integer, SharedProviders> start) {
        evict();
        SharedProviders s = entries.get(key);
        boolean usable = s != null && (!s.done() || s.age().compareTo(TTL) < 0)
                && (count <= s.target() || (s.done() && s.size() < s.target()));
        if (!usable) {
            s = start.apply(count);
            entries.remove(key);
            entries.put(key, s);
        }
        return s;
    }

    private void evict() {
        Iterator<SharedProviders> it = entries.values().iterator();
        while (it.hasNext()) {
            SharedProviders s = it.next();
            if ((s.done() && s.age().compareTo(TTL) >= 0) || entries.size() > MAX_ENTRIES) {
                it.remove();
            }
        }
    }
}

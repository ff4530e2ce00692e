package dev.speglar.p2p;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Single flight plus a short cache per key, as upstream: entries live 5 s; a running query is shared when it asked
 * for at least as many providers; a finished one is reused if it holds enough providers or is under 2.5 s old.
 */
final class LookupCache {
    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration FRESH = Duration.ofMillis(2500);
    private static final int MAX_ENTRIES = 10_000;
    private final Map<String, SharedProviders> entries = new LinkedHashMap<>();

    synchronized SharedProviders get(String key, int count, Function<Integer, SharedProviders> start) {
        evict();
        SharedProviders s = entries.get(key);
        boolean usable = s != null && s.age().compareTo(TTL) < 0 && (s.done()
                ? s.size() >= count || s.age().compareTo(FRESH) < 0
                : count <= s.target());
        if (!usable) {
            s = start.apply(count);
            entries.remove(key);
            entries.put(key, s);
        }
        return s;
    }

    /** Ends every lookup (node shutdown): waiting readers return at once. */
    synchronized void finishAll() {
        entries.values().forEach(SharedProviders::finish);
        entries.clear();
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

package dev.speglar.p2p;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Single flight plus a short cache per key, as upstream: entries live 5 s; a running query is shared when it asked
 * for at least as many providers; a finished one is reused if it holds enough providers or is under 2.5 s old.
 * Otherwise, as upstream, the entry is re-opened and a new query adds to it, so readers still streaming from it
 * (a mirror resuming a blob) see providers that appeared since, e.g. after the one they used died.
 */
final class LookupCache {
    static final Duration TTL = Duration.ofSeconds(5);
    /** Upstream's default for {@link #fresh} (P2pConfig.lookupRefreshAfter). */
    static final Duration FRESH = Duration.ofMillis(2500);

    private static final int MAX_ENTRIES = 10_000;
    private final Map<String, SharedProviders> entries = new LinkedHashMap<>();
    private final Duration fresh;

    LookupCache() {
        this(FRESH);
    }

    LookupCache(Duration fresh) {
        this.fresh = fresh;
    }

    SharedProviders get(String key, int count, Consumer<SharedProviders> query) {
        return get(key, count, false, query);
    }

    /**
     * {@code query} runs a query that adds to and finally finishes the given entry. {@code bypass} skips the cache: a
     * new query starts whatever is cached, and replaces the entry so later lookups share what it finds.
     */
    synchronized SharedProviders get(String key, int count, boolean bypass, Consumer<SharedProviders> query) {
        evict();
        SharedProviders s = entries.get(key);
        if (!bypass && s != null && s.lifetime().compareTo(TTL) < 0) {
            if (!s.done() && count <= s.target()) {
                return s;
            }
            if (s.done() && (s.size() >= count || s.age().compareTo(fresh) < 0)) {
                return s;
            }
            if (s.done()) {
                s.reopen(count);
                query.accept(s);
                return s;
            }
        }
        s = new SharedProviders(count);
        entries.remove(key);
        entries.put(key, s);
        query.accept(s);
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
            if ((s.done() && s.lifetime().compareTo(TTL) >= 0) || entries.size() > MAX_ENTRIES) {
                it.remove();
            }
        }
    }
}

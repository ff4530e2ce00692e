package dev.speglar.registry.inflight;

import dev.speglar.oci.Digest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node's mirror decided for blobs its own containerd asked for and did not hold: still deciding (looking
 * for peers), or fetching (relaying from a peer, or answered 404 so containerd fetches upstream). The serving side
 * uses it to avoid cycles: a node that has no byte yet and is still deciding must not promise a stream, because it
 * might end up waiting on the very peer it promised. Once fetching, its ingest will grow, so a promise is safe.
 */
public final class LocalFetches {
    /** Entries older than this are forgotten (the ingest is long committed or abandoned). */
    private static final long TTL_NANOS = Duration.ofHours(1).toNanos();

    private static final int MAX_ENTRIES = 4096;

    private enum State {
        DECIDING,
        FETCHING
    }

    private record Entry(State state, long sinceNanos) {}

    private final Map<Digest, Entry> entries = new ConcurrentHashMap<>();

    /** The mirror is looking for a source for {@code d}. */
    public void deciding(Digest d) {
        put(d, State.DECIDING);
    }

    /** The mirror chose a source for {@code d} (a peer, or upstream through containerd's fallback). */
    public void fetching(Digest d) {
        put(d, State.FETCHING);
    }

    /** The mirror's request ended without a decision (client gone): nothing is known any more. */
    public void forget(Digest d) {
        entries.computeIfPresent(d, (k, e) -> e.state == State.DECIDING ? null : e);
    }

    /** True while the mirror is still deciding where {@code d} comes from. */
    public boolean isDeciding(Digest d) {
        Entry e = entries.get(d);
        return e != null && e.state == State.DECIDING;
    }

    /** How long ago the mirror chose a source for {@code d}; empty unless it is fetching. */
    public java.util.OptionalLong fetchingForNanos(Digest d) {
        Entry e = entries.get(d);
        return e == null || e.state != State.FETCHING
                ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(System.nanoTime() - e.sinceNanos);
    }

    /** True if the mirror handled {@code d} at all (within the last hour). */
    public boolean isKnown(Digest d) {
        return entries.containsKey(d);
    }

    private void put(Digest d, State s) {
        long now = System.nanoTime();
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> now - e.sinceNanos > TTL_NANOS);
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear(); // only a cycle guard: forgetting is safe, a peer then waits on a stall bound at worst
            }
        }
        entries.put(d, new Entry(s, now));
    }
}

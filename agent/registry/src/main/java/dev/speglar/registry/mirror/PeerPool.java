package dev.speglar.registry.mirror;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The peers one request has found so far, handed out least-used first; among equals, peers holding the whole blob
 * before in-flight ones, and in-flight ones in random order, so that nodes asking at the same time spread over the
 * nodes that are fetching instead of all picking the first. Peers that failed are removed; a peer is "acquired"
 * while a fetch to it is in flight. Confined to the request's thread.
 */
final class PeerPool {
    private static final class Slot {
        final PeerTarget target;
        final int order;
        int uses;
        boolean acquired;

        Slot(PeerTarget target) {
            this.target = target;
            this.order = target.inFlight()
                    ? 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 20)
                    : 0;
        }
    }

    private final Map<String, Slot> slots = new LinkedHashMap<>();
    /** Lookups still feeding the pool that it waits for (by identity). */
    private final java.util.Set<Object> openLookups =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private boolean lookupDone;

    /** Adds a newly found peer; idempotent. */
    void add(PeerTarget target) {
        slots.putIfAbsent(target.id(), new Slot(target));
    }

    /** One more lookup feeds this pool; the pool is exhausted only once every one it waits for is done. */
    void lookupStarted(Object lookup) {
        openLookups.add(lookup);
    }

    void lookupDone(Object lookup) {
        openLookups.remove(lookup);
        lookupDone = true;
    }

    /**
     * Waits for {@code lookup} alone from now on: earlier lookups still add the peers they find, but no longer keep
     * the pool from being exhausted (a settle round ends when its own fresh lookup is done).
     */
    void awaitOnly(Object lookup) {
        openLookups.retainAll(java.util.Set.of(lookup));
    }

    /** Waits for no lookup from now on: the pool holds every peer a round asks. */
    void awaitNone() {
        openLookups.clear();
        lookupDone = true;
    }

    /** The non-acquired peer used least so far, or null. */
    PeerTarget acquire() {
        Slot best = null;
        for (Slot s : slots.values()) {
            if (!s.acquired && (best == null || s.uses < best.uses || (s.uses == best.uses && s.order < best.order))) {
                best = s;
            }
        }
        if (best == null) {
            return null;
        }
        best.acquired = true;
        best.uses++;
        return best.target;
    }

    void release(PeerTarget t) {
        Slot s = slots.get(t.id());
        if (s != null) {
            s.acquired = false;
        }
    }

    /** Makes {@code t} less preferred (it broke off a body) without excluding it: it may be the only one left. */
    void penalize(PeerTarget t) {
        Slot s = slots.get(t.id());
        if (s != null) {
            s.uses++;
        }
    }

    void remove(PeerTarget t) {
        slots.remove(t.id());
    }

    /** No peer left and none will come. */
    boolean exhausted() {
        return lookupDone && openLookups.isEmpty() && slots.isEmpty();
    }
}

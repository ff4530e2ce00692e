package dev.speglar.registry.mirror;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The peers one request has found so far, handed out least-used first. Peers that failed are removed; a peer is
 * "acquired" while a fetch to it is in flight. Confined to the request's thread.
 */
final class PeerPool {
  private static final class Slot {
    final PeerTarget target;
    int uses;
    boolean acquired;

    Slot(PeerTarget target) {
      this.target = target;
    }
  }

  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private boolean lookupDone;

  /** Adds a newly found peer; idempotent. */
  void add(PeerTarget target) {
    slots.putIfAbsent(target.id(), new Slot(target));
  }

  void lookupDone() {
    lookupDone = true;
  }

  /** The non-acquired peer used least so far, or null. */
  PeerTarget acquire() {
    Slot best = null;
    for (Slot s : slots.values()) {
      if (!s.acquired && (best == null || s.uses < best.uses)) {
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
    return lookupDone && slots.isEmpty();
  }
}

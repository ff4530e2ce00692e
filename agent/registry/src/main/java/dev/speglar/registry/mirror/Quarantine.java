package dev.speglar.registry.mirror;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Peers that served wrong bytes, avoided by later lookups until their sentence expires. */
final class Quarantine {
    private final Map<String, Long> until = new ConcurrentHashMap<>();
    private final long durationNanos;

    Quarantine(Duration duration) {
        this.durationNanos = duration.toNanos();
    }

    void add(String peerId) {
        long now = System.nanoTime();
        until.values().removeIf(t -> t - now <= 0);
        until.put(peerId, now + durationNanos);
    }

    boolean contains(String peerId) {
        Long t = until.get(peerId);
        if (t == null) {
            return false;
        }
        if (t - System.nanoTime() <= 0) {
            until.remove(peerId, t);
            return false;
        }
        return true;
    }
}

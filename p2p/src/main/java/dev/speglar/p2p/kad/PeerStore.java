package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Known dialable addresses per peer (TCP over IP, no /p2p suffix). Each address lives for the address TTL (1 h in
 * Spegel) after it was last seen; counts are bounded per peer and overall.
 */
public final class PeerStore {
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final int MAX_ADDRS_PER_PEER = 16;
    private static final int MAX_PEERS = 10_000;

    private final Map<PeerId, Map<Multiaddr, Instant>> addrs = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;

    public PeerStore() {
        this(DEFAULT_TTL, Clock.systemUTC());
    }

    public PeerStore(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    public void add(PeerId peer, List<Multiaddr> list) {
        List<Multiaddr> usable = list.stream()
                .map(Multiaddr::withoutPeerId)
                .filter(a -> a.tcpSocketAddress()
                        .filter(s -> !s.getAddress().isAnyLocalAddress())
                        .isPresent())
                .toList();
        if (usable.isEmpty()) {
            return;
        }
        if (addrs.size() >= MAX_PEERS && !addrs.containsKey(peer)) {
            expire();
            if (addrs.size() >= MAX_PEERS) {
                return;
            }
        }
        Instant until = clock.instant().plus(ttl);
        Map<Multiaddr, Instant> m = addrs.computeIfAbsent(peer, p -> new LinkedHashMap<>());
        synchronized (m) {
            for (Multiaddr a : usable) {
                if (m.containsKey(a) || m.size() < MAX_ADDRS_PER_PEER) {
                    m.put(a, until);
                }
            }
        }
    }

    public List<Multiaddr> get(PeerId peer) {
        Map<Multiaddr, Instant> m = addrs.get(peer);
        if (m == null) {
            return List.of();
        }
        Instant now = clock.instant();
        synchronized (m) {
            m.values().removeIf(t -> t.isBefore(now));
            return List.copyOf(m.keySet());
        }
    }

    public void remove(PeerId peer) {
        addrs.remove(peer);
    }

    /** Drops expired addresses and peers left without any. */
    public void expire() {
        Instant now = clock.instant();
        addrs.values().forEach(m -> {
            synchronized (m) {
                m.values().removeIf(t -> t.isBefore(now));
            }
        });
        addrs.values().removeIf(Map::isEmpty);
    }
}

package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Provider records keyed by content multihash; each expires after the provider validity (19 min in Spegel). */
public final class ProviderStore {
    private static final int MAX_KEYS = 1_000_000;
    private static final int MAX_PROVIDERS_PER_KEY = 256;

    private record Entry(List<Multiaddr> addrs, Instant expires) {}

    private final Map<String, Map<PeerId, Entry>> records = new HashMap<>();
    private final Duration validity;
    private final Clock clock;

    public ProviderStore(Duration validity, Clock clock) {
        this.validity = validity;
        this.clock = clock;
    }

    public synchronized void add(byte[] key, PeerId provider, List<Multiaddr> addrs) {
        String k = HexFormat.of().formatHex(key);
        Map<PeerId, Entry> m = records.get(k);
        if (m == null) {
            if (records.size() >= MAX_KEYS) {
                expire();
                if (records.size() >= MAX_KEYS) {
                    return;
                }
            }
            m = new LinkedHashMap<>();
            records.put(k, m);
        }
        if (m.size() >= MAX_PROVIDERS_PER_KEY && !m.containsKey(provider)) {
            return;
        }
        m.put(provider, new Entry(List.copyOf(addrs), clock.instant().plus(validity)));
    }

    public synchronized List<KadPeer> get(byte[] key) {
        Map<PeerId, Entry> m = records.get(HexFormat.of().formatHex(key));
        if (m == null) {
            return List.of();
        }
        Instant now = clock.instant();
        m.values().removeIf(e -> e.expires.isBefore(now));
        List<KadPeer> out = new ArrayList<>();
        m.forEach((p, e) -> out.add(new KadPeer(p, e.addrs)));
        return out;
    }

    public synchronized void remove(byte[] key, PeerId provider) {
        Map<PeerId, Entry> m = records.get(HexFormat.of().formatHex(key));
        if (m != null) {
            m.remove(provider);
        }
    }

    /** Drops expired records; run periodically. */
    public synchronized void expire() {
        Instant now = clock.instant();
        records.values().forEach(m -> m.values().removeIf(e -> e.expires.isBefore(now)));
        records.values().removeIf(Map::isEmpty);
    }

    public synchronized int keyCount() {
        return records.size();
    }

    /** Records held (keys times their providers, this node's own included); expired ones until the next sweep. */
    public synchronized int recordCount() {
        int n = 0;
        for (Map<PeerId, Entry> m : records.values()) {
            n += m.size();
        }
        return n;
    }
}

package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.PeerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Kademlia routing table: 256 buckets by common-prefix length with our id, each holding at most k peers. */
public final class RoutingTable {
    private final byte[] self;
    private final int k;
    private final List<Map<PeerId, byte[]>> buckets = new ArrayList<>();

    public RoutingTable(PeerId self, int k) {
        this.self = self.kadId();
        this.k = k;
        for (int i = 0; i <= 256; i++) {
            buckets.add(new LinkedHashMap<>());
        }
    }

    /** Adds or refreshes a peer; false if its bucket is full (the long-lived entries are kept, as in Kademlia). */
    public synchronized boolean add(PeerId peer) {
        byte[] id = peer.kadId();
        Map<PeerId, byte[]> b = buckets.get(KadId.commonPrefixLength(self, id));
        if (b.containsKey(peer)) {
            return true;
        }
        if (b.size() >= k || KadId.commonPrefixLength(self, id) == 256) {
            return false;
        }
        b.put(peer, id);
        return true;
    }

    public synchronized boolean remove(PeerId peer) {
        return buckets.get(KadId.commonPrefixLength(self, peer.kadId())).remove(peer) != null;
    }

    public synchronized boolean contains(PeerId peer) {
        return buckets.get(KadId.commonPrefixLength(self, peer.kadId())).containsKey(peer);
    }

    /** True when a new peer would fit in its bucket. */
    public synchronized boolean hasRoomFor(PeerId peer) {
        Map<PeerId, byte[]> b = buckets.get(KadId.commonPrefixLength(self, peer.kadId()));
        return b.containsKey(peer) || b.size() < k;
    }

    public synchronized int size() {
        return buckets.stream().mapToInt(Map::size).sum();
    }

    public synchronized List<PeerId> peers() {
        List<PeerId> out = new ArrayList<>();
        buckets.forEach(b -> out.addAll(b.keySet()));
        return out;
    }

    /** The {@code n} peers closest to {@code target} (a kad id). */
    public synchronized List<PeerId> closest(byte[] target, int n) {
        List<Map.Entry<PeerId, byte[]>> all = new ArrayList<>();
        buckets.forEach(b -> all.addAll(b.entrySet()));
        Comparator<byte[]> cmp = KadId.byDistanceTo(target);
        all.sort((x, y) -> cmp.compare(x.getValue(), y.getValue()));
        return all.stream().limit(n).map(Map.Entry::getKey).toList();
    }
}

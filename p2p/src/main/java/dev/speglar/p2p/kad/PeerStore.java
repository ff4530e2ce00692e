package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Known dialable addresses per peer (no /p2p suffix, only TCP-over-IP addresses), bounded per peer and overall. */
public final class PeerStore {
    private static final int MAX_ADDRS_PER_PEER = 16;
    private static final int MAX_PEERS = 10_000;
    private final Map<PeerId, Set<Multiaddr>> addrs = new ConcurrentHashMap<>();

    public void add(PeerId peer, List<Multiaddr> list) {
        List<Multiaddr> usable = list.stream().map(Multiaddr::withoutPeerId)
                .filter(a -> a.tcpSocketAddress().filter(s -> !s.getAddress().isAnyLocalAddress()).isPresent())
                .toList();
        if (usable.isEmpty() || (addrs.size() >= MAX_PEERS && !addrs.containsKey(peer))) {
            return;
        }
        Set<Multiaddr> set = addrs.computeIfAbsent(peer, p -> new LinkedHashSet<>());
        synchronized (set) {
            for (Multiaddr a : usable) {
                if (set.size() < MAX_ADDRS_PER_PEER) {
                    set.add(a);
                }
            }
        }
    }

    public List<Multiaddr> get(PeerId peer) {
        Set<Multiaddr> set = addrs.get(peer);
        if (set == null) {
            return List.of();
        }
        synchronized (set) {
            return List.copyOf(set);
        }
    }

    public void remove(PeerId peer) {
        addrs.remove(peer);
    }
}

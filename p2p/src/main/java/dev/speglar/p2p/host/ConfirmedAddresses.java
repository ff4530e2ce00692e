package dev.speglar.p2p.host;

import dev.speglar.p2p.multiformats.PeerId;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The IPs at which each peer has completed a Noise handshake (either direction): proof that the peer holding that key
 * sends and receives at that IP. A dual-stack peer connected over IPv4 may so also own its IPv6 address once one
 * connection over IPv6 confirmed it. Bounded: the most recently seen peers, a few IPs each, for {@link #KEEP}.
 */
final class ConfirmedAddresses {
    static final Duration KEEP = Duration.ofMinutes(30);
    private static final int MAX_PEERS = 4096;
    private static final int MAX_IPS_PER_PEER = 8;
    /** Probes per minute in total: identities are free, so a flood of them must not turn into a flood of dials. */
    static final int MAX_PROBES_PER_MINUTE = 60;

    private final java.util.ArrayDeque<Long> recentProbes = new java.util.ArrayDeque<>();

    private final Map<PeerId, Map<InetAddress, Long>> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, Map<InetAddress, Long>> e) {
            return size() > MAX_PEERS;
        }
    };

    private final Map<PeerId, Map<InetAddress, Long>> probed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, Map<InetAddress, Long>> e) {
            return size() > MAX_PEERS;
        }
    };

    /**
     * True once per {@link #KEEP} for a (peer, IP) pair, for at most {@link #MAX_IPS_PER_PEER} IPs of a peer and
     * {@link #MAX_PROBES_PER_MINUTE} in all: a hostile peer listing third hosts' IPs gets them dialed once each, not
     * once per connection, and new identities do not multiply that.
     */
    synchronized boolean mayProbe(PeerId peer, InetAddress ip, long nowNanos) {
        while (!recentProbes.isEmpty()
                && nowNanos - recentProbes.peekFirst() > Duration.ofMinutes(1).toNanos()) {
            recentProbes.removeFirst();
        }
        Map<InetAddress, Long> ips = probed.computeIfAbsent(peer, k -> new LinkedHashMap<>());
        ips.values().removeIf(t -> nowNanos - t > KEEP.toNanos());
        if (ips.containsKey(ip) || ips.size() >= MAX_IPS_PER_PEER || recentProbes.size() >= MAX_PROBES_PER_MINUTE) {
            return false;
        }
        ips.put(ip, nowNanos);
        recentProbes.addLast(nowNanos);
        return true;
    }

    synchronized void confirm(PeerId peer, InetAddress ip, long nowNanos) {
        Map<InetAddress, Long> ips = seen.computeIfAbsent(peer, k -> new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Long> e) {
                return size() > MAX_IPS_PER_PEER;
            }
        });
        ips.put(ip, nowNanos);
    }

    synchronized Set<InetAddress> of(PeerId peer, long nowNanos) {
        Map<InetAddress, Long> ips = seen.get(peer);
        if (ips == null) {
            return Set.of();
        }
        ips.values().removeIf(t -> nowNanos - t > KEEP.toNanos());
        return ips.keySet().stream().collect(Collectors.toUnmodifiableSet());
    }
}

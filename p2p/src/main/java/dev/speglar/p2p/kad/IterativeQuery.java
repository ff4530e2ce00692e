package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.PeerId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One iterative Kademlia walk: keep up to alpha requests in flight to the closest unqueried candidates, merge
 * closerPeers, and finish when the k closest live candidates have all answered (or {@code stop} says so).
 * Completes with the peers that answered, closest first.
 */
final class IterativeQuery {
    private enum State {
        NEW,
        WAITING,
        DONE,
        FAILED
    }

    private final Dht dht;
    private final KadMessage request;
    private final byte[] target;
    private final int k;
    private final int alpha;
    private final Consumer<KadPeer> onProvider;
    private final BooleanSupplier stop;
    private final TreeMap<byte[], PeerId> ordered;
    private final Map<PeerId, State> states = new HashMap<>();
    /** Hops from us: routing-table candidates are 1, peers learned from a depth-d answer are d + 1. */
    private final Map<PeerId, Integer> depths = new HashMap<>();

    private int deepestAnswer;
    private int providerRound = -1;
    private final CompletableFuture<List<PeerId>> result = new CompletableFuture<>();
    private int inflight;
    private String stopReason = "converged";

    IterativeQuery(Dht dht, KadMessage request, int k, int alpha, Consumer<KadPeer> onProvider, BooleanSupplier stop) {
        this.dht = dht;
        this.request = request;
        this.target = KadId.of(request.key());
        this.k = k;
        this.alpha = alpha;
        this.onProvider = onProvider;
        this.stop = stop;
        this.ordered = new TreeMap<>(KadId.byDistanceTo(target).thenComparing(Arrays::compareUnsigned));
    }

    CompletableFuture<List<PeerId>> run() {
        result.whenComplete((v, e) -> dht.walkEnded(outcome(e)));
        synchronized (this) {
            dht.routingTable().closest(target, k).forEach(p -> candidate(p, 1));
        }
        step();
        return result;
    }

    private void candidate(PeerId p, int depth) {
        if (!states.containsKey(p) && !p.equals(dht.self())) {
            states.put(p, State.NEW);
            depths.put(p, depth);
            ordered.put(p.kadId(), p);
        }
    }

    private void step() {
        List<PeerId> toQuery = new ArrayList<>();
        List<PeerId> finished = null;
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            boolean pending = false;
            int seen = 0;
            for (PeerId p : ordered.values()) {
                State s = states.get(p);
                if (s == State.FAILED) {
                    continue;
                }
                if (++seen > k) {
                    break;
                }
                if (s == State.NEW) {
                    pending = true;
                    if (inflight < alpha) {
                        states.put(p, State.WAITING);
                        inflight++;
                        toQuery.add(p);
                    }
                }
            }
            boolean stopped = stop.getAsBoolean();
            if (stopped || (!pending && inflight == 0)) {
                stopReason = stopped ? "stopped" : "converged";
                finished = ordered.values().stream()
                        .filter(p -> states.get(p) == State.DONE)
                        .limit(k)
                        .toList();
            }
        }
        if (finished != null) {
            if (result.complete(finished) && onProvider != null) {
                // Rounds of a provider lookup: the hop that first answered with providers (0 if none was needed,
                // e.g. a local record sufficed), else how deep the walk went.
                dht.recordLookupRounds(providerRound >= 0 ? providerRound : deepestAnswer);
            }
            return;
        }
        toQuery.forEach(this::query);
    }

    /**
     * After the walk: true when a peer that failed is closer to the target than the farthest of the k peers that
     * answered (or fewer than k answered and some failed), so the result may not be the true closest set.
     */
    synchronized boolean missedCloser() {
        int answered = 0;
        for (PeerId p : ordered.values()) {
            State s = states.get(p);
            if (s == State.FAILED) {
                return true;
            }
            if (s == State.DONE && ++answered >= k) {
                return false;
            }
        }
        return false;
    }

    private synchronized WalkOutcome outcome(Throwable e) {
        String reason = e == null ? stopReason : "timeout";
        List<PeerId> answered = new ArrayList<>();
        List<PeerId> failed = new ArrayList<>();
        states.forEach((p, s) -> {
            if (s == State.DONE) {
                answered.add(p);
            } else if (s == State.FAILED) {
                failed.add(p);
            }
        });
        return new WalkOutcome(reason, answered, failed);
    }

    private void query(PeerId peer) {
        dht.client().request(peer, request).whenComplete((resp, err) -> {
            synchronized (this) {
                inflight--;
                states.put(peer, err == null ? State.DONE : State.FAILED);
                if (err == null) {
                    int depth = depths.getOrDefault(peer, 1);
                    deepestAnswer = Math.max(deepestAnswer, depth);
                    if (providerRound < 0 && !resp.providerPeers().isEmpty()) {
                        providerRound = depth;
                    }
                    for (KadPeer c : resp.closerPeers()) {
                        if (!c.id().equals(dht.self())) {
                            dht.peerStore().add(c.id(), c.addrs());
                            candidate(c.id(), depth + 1);
                        }
                    }
                }
            }
            if (err == null) {
                dht.responded(peer);
                if (onProvider != null) {
                    // A responder's record about itself is held to its own address; others' are as their storer
                    // checked them.
                    resp.providerPeers()
                            .forEach(p -> onProvider.accept(p.id().equals(peer) ? dht.ownRecord(peer, p) : p));
                }
            } else {
                dht.failed(peer, err);
            }
            step();
        });
    }
}

package dev.speglar.registry.mirror;

import dev.speglar.oci.Digest;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.inflight.InFlightSharing;
import dev.speglar.routing.InFlightKeys;
import dev.speglar.store.Arrival;
import java.util.Optional;

/**
 * A blob miss of this node's own containerd, which has opened the ingest and will fetch the blob from wherever the
 * mirror's answer sends it (a peer, or upstream after a 404): a first fetch, or containerd resuming one with
 * {@code Range} after its source broke off. Announces the fetch at once, records the decision for the serving side,
 * and closes the race with nodes that missed at about the same moment: before sending containerd upstream it waits a
 * moment and looks for in-flight records again (bypassing the lookup cache), taking any node that is already fetching
 * (even one with no byte yet: its stream waits for them), and deferring, round after round, to nodes with a smaller
 * peer id that are still deciding. Those never defer to a bigger one, so two deciding nodes never wait on each other
 * and exactly one of them goes upstream; the settle budget bounds the wait for one that never decides.
 */
final class LocalFetch {
    /**
     * Smaller blobs (configs) are not worth the settle wait: they are committed within milliseconds, and a second
     * upstream fetch of them costs less than delaying every pull.
     */
    static final long MIN_SIZE = 1 << 20;

    /** Why a local fetch got its source: the label of {@code speglar_mirror_inflight_decisions_total}. */
    enum Decision {
        /** A peer holds the blob or is receiving it. */
        PEER,
        /** No other node held, fetched or was deciding on it. */
        UPSTREAM_ALONE,
        /** Other nodes were deciding too; this one has the smallest peer id among those it saw. */
        UPSTREAM_SMALLEST,
        /** The only nodes receiving it had stopped growing (their source failed). */
        UPSTREAM_STALLED,
        /** A smaller node stayed undecided for the whole settle budget. */
        UPSTREAM_BUDGET;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * In-flight providers one lookup collects. Not the resolve count (3): the first three found may all be nodes still
     * deciding, while the one already fetching is the fourth; a walk stops early once it has this many. Kademlia's k.
     */
    static final int IN_FLIGHT_PROVIDERS = 20;

    private final PeerMirror mirror;
    private final InFlightSharing sharing;
    private final Digest digest;
    private boolean sawStalled;
    private boolean budgetSpent;

    private LocalFetch(PeerMirror mirror, Digest digest) {
        this.mirror = mirror;
        this.sharing = mirror.inFlight;
        this.digest = digest;
    }

    /** The local fetch behind {@code req}, or null when in-flight sharing is off or no local ingest is open for it. */
    static LocalFetch of(PeerMirror mirror, DistributionRequest req) {
        if (mirror.inFlight == null
                || req.kind() != DistributionRequest.Kind.BLOB
                || req.head()
                || req.digest() == null) {
            return null;
        }
        Optional<Arrival> a = mirror.inFlight.arrivals().find(req.digest());
        return a.filter(arrival -> arrival.total() >= MIN_SIZE)
                .map(arrival -> new LocalFetch(mirror, req.digest()))
                .orElse(null);
    }

    /** Adds the lookup of {@code digest}'s in-flight record to {@code session}, if sharing is on. */
    static void lookUpInFlight(PeerMirror mirror, MirrorSession session, DistributionRequest req, boolean fresh) {
        if (mirror.inFlight != null && req.kind() == DistributionRequest.Kind.BLOB && req.digest() != null) {
            session.add(
                    mirror.router.lookup(InFlightKeys.of(req.digest()), IN_FLIGHT_PROVIDERS, fresh), true, p -> true);
        }
    }

    void begin() {
        sharing.fetches().deciding(digest);
        sharing.announce().accept(digest);
    }

    /** The source broke off mid-body: this node looks for another, so it promises peers nothing meanwhile. */
    void redeciding() {
        sharing.fetches().deciding(digest);
    }

    /** A source is chosen (a peer, or upstream): from now on this node's ingest grows. */
    void decided() {
        sharing.fetches().fetching(digest);
    }

    void abandoned() {
        sharing.fetches().forget(digest);
    }

    /**
     * After a race found no source: settle rounds, each a pause, a fresh in-flight lookup and a race among every
     * in-flight provider, until a peer answers with a stream or no smaller node is still deciding (at least one round,
     * within the settle budget; deferring rounds within twice the budget).
     */
    Race.Outcome settle(MirrorSession session, DistributionRequest req, Race.Outcome.Lost lost)
            throws InterruptedException {
        note(lost);
        String self = mirror.router.selfId();
        if (self.isEmpty()
                || sharing.settle().isZero()
                || sharing.settleBudget().isZero()) {
            return lost;
        }
        // The first round (is any node fetching, or deciding with a smaller id?) has the budget; deferring rounds get
        // as long again: the smaller node being waited for never waits itself, so it decides within its own budget.
        long end = System.nanoTime() + 2 * sharing.settleBudget().toNanos();
        long firstEnd = end - sharing.settleBudget().toNanos();
        String range = req.range().map(dev.speglar.registry.ByteRange::toHeader).orElse(null);
        Race.Outcome outcome = lost;
        int rounds = 0;
        // After the first round, one more when it met nodes still deciding (all bigger, or it would defer): they may
        // have looked before this node's record existed and be heading upstream too. A round later they have either
        // chosen a source (then this node streams from them) or had a full round to see this node.
        while (outcome instanceof Race.Outcome.Lost l
                && (rounds == 0 || defers(l, self) || (rounds == 1 && !l.busy().isEmpty()))) {
            long left = (rounds == 0 ? firstEnd : end) - System.nanoTime();
            if (left <= 0) {
                budgetSpent = true;
                break;
            }
            rounds++;
            if (!session.pause(Math.min(left, sharing.settle().toNanos()))) {
                return new Race.Outcome.Gone();
            }
            if (rounds == 1) {
                var fresh = mirror.router.lookup(InFlightKeys.of(digest), IN_FLIGHT_PROVIDERS, true);
                session.add(fresh, true, p -> true);
                session.pool.awaitOnly(fresh);
            } else {
                // Later rounds only ask again the nodes that were still deciding: they now stream or have seen this
                // node. A node that this round's walk did not reach stored its record after it, so its own walk finds
                // this node's. A new walk here would only add its latency (seconds on a loaded node) to every round.
                l.busy().forEach(session.pool::add);
                session.pool.awaitNone();
            }
            // The round lasts until a peer answers or the lookup has asked every node that may hold a record: each
            // deciding node stores its own record before it looks, so of two that miss together at least one sees the
            // other (a timer would only guess how long the records take to spread).
            long roundEnd = rounds == 1 ? firstEnd : end;
            var plan = new Race.Plan(range, -1, -1, Math.max(0, roundEnd - System.nanoTime()), true);
            outcome = new Race(session, mirror, req, plan).run(roundEnd);
            if (outcome instanceof Race.Outcome.Lost x) {
                note(x);
            } else if (outcome instanceof Race.Outcome.Expired) {
                budgetSpent = true;
            }
            PeerMirror.LOG.debug("settle round {} for {}: {}", rounds, digest, outcome);
        }
        return outcome;
    }

    /** What {@code outcome} (the final one) means for the metric; null when the client left. */
    Decision decision(Race.Outcome outcome) {
        return classify(outcome, budgetSpent, sawStalled);
    }

    static Decision classify(Race.Outcome outcome, boolean budgetSpent, boolean sawStalled) {
        return switch (outcome) {
            case Race.Outcome.Won w -> Decision.PEER;
            case Race.Outcome.Gone g -> null;
            case Race.Outcome.Expired x -> Decision.UPSTREAM_BUDGET;
            case Race.Outcome.Lost l when budgetSpent -> Decision.UPSTREAM_BUDGET;
            case Race.Outcome.Lost l when !l.busy().isEmpty() -> Decision.UPSTREAM_SMALLEST;
            case Race.Outcome.Lost l when sawStalled -> Decision.UPSTREAM_STALLED;
            case Race.Outcome.Lost l -> Decision.UPSTREAM_ALONE;
        };
    }

    private void note(Race.Outcome.Lost l) {
        sawStalled |= l.stalled() > 0;
    }

    /** True if a node with a smaller id than {@code self} answered that it is still deciding. */
    static boolean defers(Race.Outcome.Lost l, String self) {
        return l.busy().stream().anyMatch(t -> t.id().compareTo(self) < 0);
    }
}

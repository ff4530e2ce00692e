package dev.speglar.registry.mirror;

import dev.speglar.oci.Digest;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.inflight.InFlightSharing;
import dev.speglar.routing.InFlightKeys;
import dev.speglar.store.Arrival;
import java.util.Optional;

/**
 * A blob miss of this node's own containerd, which has opened the ingest and will fetch the blob from wherever the
 * mirror's answer sends it (a peer, or upstream after a 404). Announces the fetch at once, records the decision for
 * the serving side, and closes the race with nodes that missed at the same moment: before sending containerd
 * upstream it waits a moment, looks for in-flight records again (bypassing the lookup cache), and defers to a node
 * with a smaller id; that node defers to nobody bigger, so exactly one of them goes upstream.
 */
final class LocalFetch {
    /**
     * Smaller blobs (configs) are not worth the settle wait: they are committed within milliseconds, and a second
     * upstream fetch of them costs less than delaying every pull.
     */
    static final long MIN_SIZE = 1 << 20;

    private final PeerMirror mirror;
    private final InFlightSharing sharing;
    private final Digest digest;
    /** The ingest had no byte yet: a first fetch, not containerd resuming a broken one. */
    private final boolean first;

    private LocalFetch(PeerMirror mirror, Digest digest, boolean first) {
        this.mirror = mirror;
        this.sharing = mirror.inFlight;
        this.digest = digest;
        this.first = first;
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
                .map(arrival -> new LocalFetch(mirror, req.digest(), arrival.size() == 0))
                .orElse(null);
    }

    /** Adds the lookup of {@code digest}'s in-flight record to {@code session}, if sharing is on. */
    static void lookUpInFlight(PeerMirror mirror, MirrorSession session, DistributionRequest req, boolean fresh) {
        if (mirror.inFlight != null && req.kind() == DistributionRequest.Kind.BLOB && req.digest() != null) {
            session.add(
                    mirror.router.lookup(InFlightKeys.of(req.digest()), mirror.config.resolveRetries(), fresh),
                    true,
                    p -> true);
        }
    }

    void begin() {
        sharing.fetches().deciding(digest);
        sharing.announce().accept(digest);
    }

    /** A source is chosen (a peer, or upstream): from now on this node's ingest grows. */
    void decided() {
        sharing.fetches().fetching(digest);
    }

    void abandoned() {
        sharing.fetches().forget(digest);
    }

    /**
     * After a race found no source: waits the settle time and races again among in-flight providers with a smaller id,
     * as long as one of them is still deciding (answered 503) and the settle budget lasts.
     */
    Race.Outcome settle(MirrorSession session, DistributionRequest req, Race.Outcome.Lost lost)
            throws InterruptedException {
        String self = mirror.router.selfId();
        if (!first
                || self.isEmpty()
                || sharing.settle().isZero()
                || sharing.settleBudget().isZero()) {
            return lost;
        }
        long end = System.nanoTime() + sharing.settleBudget().toNanos();
        Race.Outcome outcome = lost;
        boolean again = true;
        while (again && outcome instanceof Race.Outcome.Lost && System.nanoTime() - end < 0) {
            if (!session.pause(sharing.settle().toNanos())) {
                return new Race.Outcome.Gone();
            }
            session.add(
                    mirror.router.lookup(InFlightKeys.of(digest), mirror.config.resolveRetries(), true),
                    true,
                    p -> p.id().compareTo(self) < 0);
            long idle = Math.max(0, end - System.nanoTime());
            outcome = new Race(session, mirror, req, new Race.Plan(null, -1, -1, idle)).run(end + idle);
            again = outcome instanceof Race.Outcome.Lost l
                    && l.busy().stream().anyMatch(t -> t.id().compareTo(self) < 0);
            PeerMirror.LOG.debug("settle round for {}: {}", digest, outcome);
        }
        return outcome;
    }
}

package dev.speglar.registry.mirror;

import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.inflight.InFlightSharing;
import java.util.HashSet;
import java.util.Set;

/**
 * One hedged race for a response (Spegel's {@code raceFetch}, §2.6.1): ask one peer at once and more as the race
 * outlasts the observed latency percentiles or a peer fails; at most 1 + 3 counted triggers, so 4 attempts. The first
 * usable response wins and the others are cancelled. Runs on the request's thread.
 */
final class Race {

    /** How the race ends. */
    sealed interface Outcome {
        /** {@code manifest} is the verified body of a manifest GET, else null. */
        record Won(PeerExchange ex, PeerHead head, byte[] manifest) implements Outcome {}

        /**
         * {@code busy}: in-flight peers that answered 503 because they are still deciding where to fetch from;
         * {@code stalled}: in-flight peers that answered 503 because their ingest stopped growing.
         */
        record Lost(int attempts, String reason, java.util.List<PeerTarget> busy, int stalled) implements Outcome {}

        /** The overall deadline passed. */
        record Expired() implements Outcome {}

        record Gone() implements Outcome {}
    }

    /**
     * What to ask for.
     *
     * @param range Range header or null
     * @param expectStart absolute offset the body must start at or before (resume), or -1
     * @param expectTotal content size the peer must report (resume), or -1
     * @param idleNanos how long to wait for a new peer while nothing is in flight, or -1 for the resolve timeout
     * @param patient ask every peer found at once, without the attempt cap, and wait for every head until the deadline
     *     (no race timer): in-flight peers answer from local state (a stream or 503), on nodes that may be busy, and
     *     every one of them must be heard before a node concludes that nobody fetches the blob
     */
    record Plan(String range, long expectStart, long expectTotal, long idleNanos, boolean patient) {
        Plan(String range, long expectStart, long expectTotal) {
            this(range, expectStart, expectTotal, -1, false);
        }

        Plan(String range, long expectStart, long expectTotal, long idleNanos) {
            this(range, expectStart, expectTotal, idleNanos, false);
        }
    }

    private static final int MAX_COUNTED = Hedger.PERCENTILES.length;

    private final MirrorSession session;
    private final PeerMirror mirror;
    private final DistributionRequest req;
    private final Plan plan;
    private final Set<PeerExchange> inflight = new HashSet<>();
    /** Exchanges that sent their head (offers, or answers still reading a manifest body). */
    private final Set<PeerExchange> heard = new HashSet<>();

    private final StreamOffers offers = new StreamOffers();
    private int inFlightAsked;
    private final java.util.List<PeerTarget> busy = new java.util.ArrayList<>();
    private int attempts;
    private int stalled;
    private int counted;
    /** Peers that may be asked now: one, plus one per hedge or failure; a patient race asks every peer at once. */
    private int pending;
    /** A manifest peer sent its head: the race timer no longer applies, the body has until the deadline. */
    private boolean answered;

    Race(MirrorSession session, PeerMirror mirror, DistributionRequest req, Plan plan) {
        this.session = session;
        this.mirror = mirror;
        this.req = req;
        this.plan = plan;
        this.pending = plan.patient() ? Integer.MAX_VALUE : 1;
    }

    Outcome run(long deadline) throws InterruptedException {
        PeerExchange winner = null;
        try {
            long start = System.nanoTime();
            long[] hedges = mirror.hedger.delaysNanos();
            int nextHedge = 0;
            long raceEnd = 0;
            long budget = 0;
            boolean raceArmed = false;
            while (true) {
                long now = System.nanoTime();
                while (nextHedge < hedges.length && now - start >= hedges[nextHedge]) {
                    nextHedge++;
                    trigger();
                }
                PeerTarget t;
                while (pending > 0 && (t = session.pool.acquire()) != null) {
                    pending--;
                    attempts++;
                    inflight.add(mirror.start(session, req, t, plan.range()));
                    if (t.inFlight() && !plan.patient() && ++inFlightAsked < StreamOffers.FANOUT) {
                        pending++; // in-flight peers are asked a few at once, to take the most advanced offer
                    }
                    if (!raceArmed && !plan.patient()) {
                        raceArmed = true;
                        budget = mirror.hedger.raceBudgetNanos(floor());
                        raceEnd = now + budget;
                    }
                }
                if (inflight.isEmpty() && session.pool.exhausted()) {
                    return lost(attempts == 0 ? "could not find peer for " : "all request retries exhausted for ");
                }
                long wait = deadline - now;
                long idleEnd = now
                        + (plan.idleNanos() >= 0
                                ? plan.idleNanos()
                                : mirror.config.resolveTimeout().toNanos());
                if (inflight.isEmpty()) {
                    wait = Math.min(wait, idleEnd - now);
                }
                boolean held = false;
                if (raceArmed && !answered) {
                    long end = dialAware(raceEnd, budget);
                    held = end == HELD;
                    if (!held) {
                        raceEnd = end;
                        wait = Math.min(wait, raceEnd - now);
                    }
                }
                if (nextHedge < hedges.length) {
                    wait = Math.min(wait, start + hedges[nextHedge] - now);
                }
                if (!offers.isEmpty()) {
                    if (now - offers.holdEnd() >= 0 || !awaitingInFlight()) {
                        StreamOffers.Offer best = taken();
                        if (best != null) {
                            winner = best.ex();
                            return new Outcome.Won(winner, best.head(), null);
                        }
                        offers.clear(); // every held stream broke off: their exchanges are failures
                        for (PeerExchange ex : java.util.List.copyOf(inflight)) {
                            if (ex.brokenAfterHead()) {
                                failed(ex, "body broke off before it was taken");
                            }
                        }
                        continue;
                    }
                    wait = Math.min(wait, offers.holdEnd() - now);
                }
                MirrorEvent e = session.poll(wait);
                now = System.nanoTime();
                if (e == null) {
                    if (nextHedge < hedges.length && now - start >= hedges[nextHedge]) {
                        continue; // a late wake-up: hedges that were due come before the race timer
                    }
                    if (!offers.isEmpty()) {
                        continue; // the hold ended: the best offer wins (above)
                    }
                    if (now - deadline >= 0) {
                        return new Outcome.Expired();
                    }
                    if (raceArmed && !answered && !held && now - raceEnd >= 0) {
                        return lost("waited too long for inflight dials to complete for ");
                    }
                    if (inflight.isEmpty() && now - idleEnd >= 0) {
                        return lost("waited too long for new peer with no inflight fetches for ");
                    }
                    continue;
                }
                switch (e) {
                    case MirrorEvent.ClientGone g -> {
                        return new Outcome.Gone();
                    }
                    case MirrorEvent.Head h
                    when inflight.contains(h.ex()) -> {
                        heard.add(h.ex());
                        Outcome o = onHead(h.ex());
                        if (o instanceof Outcome.Won w && offered(w, now)) {
                            continue; // held while other in-flight peers may offer a more advanced stream
                        }
                        if (o != null) {
                            winner = h.ex();
                            return o;
                        }
                    }
                    case MirrorEvent.Failed f
                    when inflight.contains(f.ex()) -> failed(f.ex(), f.cause().toString());
                    case MirrorEvent.ManifestRead m
                    when inflight.contains(m.ex()) -> {
                        if (m.body() == null) {
                            if (m.integrity()) {
                                mirror.integrityFailure("manifest", m.ex().target, m.failure());
                            }
                            failed(m.ex(), m.failure());
                        } else {
                            winner = m.ex();
                            mirror.hedger.record(java.time.Duration.ofNanos(m.ex().headLatencyNanos()));
                            return new Outcome.Won(m.ex(), parsedHead(m.ex()), m.body());
                        }
                    }
                    default -> {}
                }
            }
        } finally {
            for (PeerExchange ex : inflight) {
                session.pool.release(ex.target);
                if (ex != winner) {
                    ex.cancel();
                }
            }
        }
    }

    private static final long HELD = Long.MIN_VALUE;

    /**
     * The race timer's end, or {@link #HELD}: a peer connection still being made over TLS (TCP connect and handshake,
     * each bounded by the connect timeout; the overall deadline still applies) holds the timer, and the budget counts
     * again from the moment it became usable, plus the time the dial took. Requests on a loaded node then wait for a dial that is progressing
     * instead of giving up on it; a refusing peer still fails at once.
     */
    private long dialAware(long raceEnd, long budget) {
        long end = raceEnd;
        for (PeerExchange ex : inflight) {
            if (ex.dialing()) {
                return HELD;
            }
            long done = ex.usableNanos();
            if (done != 0) {
                // The peer completes its half of the handshake (verifying our certificate) only after ours, on a node
                // likely as loaded: its first answer gets as long again, up to the connect timeout, on top.
                long grace = Math.min(
                        done - ex.startNanos(), mirror.config.connectTimeout().toNanos());
                if (done + grace + budget - end > 0) {
                    end = done + grace + budget;
                }
            }
        }
        return end;
    }

    /**
     * True if {@code w} is an in-flight peer's stream that joined the offers: other in-flight peers asked in this race
     * have not answered yet. A peer holding the whole blob, or the only one asked, wins at once.
     */
    private boolean offered(Outcome.Won w, long now) {
        if (!w.ex().target.inFlight() || (offers.isEmpty() && !awaitingInFlight())) {
            return false;
        }
        offers.add(w.ex(), w.head(), now);
        return true;
    }

    /** Some in-flight peer asked in this race has not sent its head yet. */
    private boolean awaitingInFlight() {
        return inflight.stream().anyMatch(ex -> ex.target.inFlight() && !heard.contains(ex));
    }

    private StreamOffers.Offer taken() {
        StreamOffers.Offer taken = offers.best();
        if (taken != null && offers.size() > 1) {
            PeerMirror.LOG.debug(
                    "{} of {} in-flight offers for {}: {} bytes there",
                    taken.ex().target,
                    offers.size(),
                    req.key(),
                    taken.arrived());
        }
        return taken;
    }

    /**
     * The least time to wait for a head. A resume is patient: the client already holds part of the body, and giving up
     * on a peer that is merely slow to answer (a busy node) throws that away.
     */
    private java.time.Duration floor() {
        java.time.Duration f = mirror.config.raceBudgetFloor();
        return plan.expectStart() >= 0 && f.compareTo(RESUME_FLOOR) < 0 ? RESUME_FLOOR : f;
    }

    private static final java.time.Duration RESUME_FLOOR = java.time.Duration.ofSeconds(1);

    /** Null while the exchange is still in the race (manifest body being read or a failure). */
    private Outcome onHead(PeerExchange ex) {
        PeerHead head;
        try {
            if (ex.response().status().code() == 503 && ex.target.inFlight()) {
                String state = ex.response().headers().get(InFlightSharing.STATE_HEADER);
                if (InFlightSharing.DECIDING.equals(state)) {
                    busy.add(ex.target);
                } else if (InFlightSharing.STALLED.equals(state)) {
                    stalled++;
                }
            }
            head = PeerHead.parse(ex.response(), req);
            check(head);
        } catch (PeerResponseException e) {
            ex.cancel();
            failed(ex, e.getMessage());
            return null;
        }
        if (head.status() == 200 && req.kind() == DistributionRequest.Kind.MANIFEST && !req.head()) {
            if (head.length() > mirror.config.manifestSizeLimit()) {
                ex.cancel();
                failed(ex, "manifest of " + head.length() + " bytes exceeds the limit");
                return null;
            }
            ex.attach(new ManifestCollector(ex, head, session::post));
            answered = true;
            return null;
        }
        mirror.hedger.record(java.time.Duration.ofNanos(ex.headLatencyNanos()));
        return new Outcome.Won(ex, head, null);
    }

    private PeerHead parsedHead(PeerExchange ex) {
        try {
            return PeerHead.parse(ex.response(), req);
        } catch (PeerResponseException e) {
            throw new IllegalStateException(e); // parsed successfully before
        }
    }

    private void check(PeerHead head) throws PeerResponseException {
        if (head.status() == 416) {
            if (plan.range() == null || plan.expectStart() >= 0) {
                throw new PeerResponseException("peer answered 416");
            }
            return;
        }
        if (plan.expectTotal() >= 0 && head.total() != plan.expectTotal()) {
            throw new PeerResponseException("peer reports size " + head.total() + ", expected " + plan.expectTotal());
        }
        if (plan.expectStart() >= 0 && head.start() > plan.expectStart()) {
            throw new PeerResponseException("peer body starts at " + head.start() + ", needed " + plan.expectStart());
        }
    }

    private void failed(PeerExchange ex, String why) {
        inflight.remove(ex);
        offers.remove(ex);
        session.pool.remove(ex.target);
        PeerMirror.LOG.debug("request to peer {} failed for {}: {}", ex.target, req.key(), why);
        trigger();
    }

    private void trigger() {
        if (counted < MAX_COUNTED && !plan.patient()) {
            counted++;
            pending++;
        }
    }

    private Outcome lost(String reason) {
        return new Outcome.Lost(attempts, reason + req.key(), java.util.List.copyOf(busy), stalled);
    }
}

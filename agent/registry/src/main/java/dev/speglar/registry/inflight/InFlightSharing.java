package dev.speglar.registry.inflight;

import dev.speglar.oci.Digest;
import dev.speglar.store.ArrivingContent;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Serving content while it still arrives ({@code --in-flight-sharing}): where arrivals are read, what the local
 * mirror decided per blob, and how a local fetch is announced at once.
 *
 * @param arrivals the node's live arrivals (containerd ingests)
 * @param fetches the local mirror's decisions, shared by the mirror (writer) and the server (reader)
 * @param announce advertises a digest as in-flight right away (the ingest scan would see it a moment later)
 * @param stall an arrival that does not grow for this long ends the streams that follow it
 * @param settle after a miss with no provider, how long to wait before looking for in-flight records of nodes that
 *     missed at the same moment
 * @param settleBudget how long, in all, a miss keeps deferring to such a node while it is still deciding
 */
public record InFlightSharing(
        ArrivingContent arrivals,
        LocalFetches fetches,
        Consumer<Digest> announce,
        Duration stall,
        Duration settle,
        Duration settleBudget) {

    /**
     * Header of a 503 for an arriving blob, saying why no stream is offered: {@link #DECIDING} (the node is still
     * choosing its own source; a node with a bigger peer id waits for it) or {@link #STALLED} (its ingest stopped
     * growing; nobody waits for it).
     */
    public static final String STATE_HEADER = "Speglar-Arrival";

    /**
     * Header of a stream of an arriving blob: how many bytes of it the serving node holds right now, so an asker that
     * got several offers takes the most advanced one.
     */
    public static final String ARRIVED_HEADER = "Speglar-Arrived";

    public static final String DECIDING = "deciding";
    public static final String STALLED = "stalled";

    public InFlightSharing {
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(fetches, "fetches");
        Objects.requireNonNull(announce, "announce");
        if (stall.isNegative() || stall.isZero() || settle.isNegative() || settleBudget.isNegative()) {
            throw new IllegalArgumentException("stall must be positive, settle and settleBudget not negative");
        }
    }

    /**
     * Defaults: 5 s stall, 30 ms settle, 5 s settle budget (nodes deferring to smaller ids resolve in a few settle
     * rounds; the budget only bounds a node that waits on one that never decides).
     */
    public static InFlightSharing of(ArrivingContent arrivals, Consumer<Digest> announce) {
        return new InFlightSharing(
                arrivals,
                new LocalFetches(),
                announce,
                Duration.ofSeconds(5),
                Duration.ofMillis(30),
                Duration.ofSeconds(5));
    }

    /** An arrival idle this long (no growth since the bytes or the decision) is not offered to askers. */
    public Duration stalledAfter() {
        return stall.dividedBy(2);
    }

    public InFlightSharing withStall(Duration d) {
        return new InFlightSharing(arrivals, fetches, announce, d, settle, settleBudget);
    }

    public InFlightSharing withSettle(Duration d, Duration budget) {
        return new InFlightSharing(arrivals, fetches, announce, stall, d, budget);
    }
}

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

    public InFlightSharing {
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(fetches, "fetches");
        Objects.requireNonNull(announce, "announce");
        if (stall.isNegative() || stall.isZero() || settle.isNegative() || settleBudget.isNegative()) {
            throw new IllegalArgumentException("stall must be positive, settle and settleBudget not negative");
        }
    }

    /** Defaults: 5 s stall, 30 ms settle, 1 s settle budget. */
    public static InFlightSharing of(ArrivingContent arrivals, Consumer<Digest> announce) {
        return new InFlightSharing(
                arrivals,
                new LocalFetches(),
                announce,
                Duration.ofSeconds(5),
                Duration.ofMillis(30),
                Duration.ofSeconds(1));
    }

    public InFlightSharing withStall(Duration d) {
        return new InFlightSharing(arrivals, fetches, announce, d, settle, settleBudget);
    }

    public InFlightSharing withSettle(Duration d, Duration budget) {
        return new InFlightSharing(arrivals, fetches, announce, stall, d, budget);
    }
}

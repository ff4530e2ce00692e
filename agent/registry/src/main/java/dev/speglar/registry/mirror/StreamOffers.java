package dev.speglar.registry.mirror;

import dev.speglar.registry.inflight.InFlightSharing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Streams offered in one race by peers that are still receiving the blob, in the order they answered. The race takes
 * the most advanced one rather than the first: a stream from a node that holds more of the blob has less to wait for,
 * and a node that just started may itself follow a slow source. Offers within {@link #SPREAD_MARGIN} of the most
 * advanced count as equal and the first of them to answer wins, so askers spread over the nodes that are about as far
 * along instead of all picking the seed. The race holds an offer while other in-flight peers it asked have not
 * answered, for as long again as the first offer took to arrive after the first offer, at least {@link #HOLD}.
 */
final class StreamOffers {
    /** About a third of a second at 200 Mbit/s: closer than this, being first to answer matters more. */
    static final long SPREAD_MARGIN = 8L << 20;

    static final Duration HOLD = Duration.ofMillis(20);

    /** In-flight peers a race asks at once when no peer holding the whole blob came first. */
    static final int FANOUT = 3;

    record Offer(PeerExchange ex, PeerHead head, long arrived) {}

    private final List<Offer> offers = new ArrayList<>();
    private long holdEnd;

    /** Adds the offer of {@code ex}, whose stream reports {@code arrived} bytes there already. */
    void add(PeerExchange ex, PeerHead head, long now) {
        if (offers.isEmpty()) {
            // As long again as the first offer took (a busy node answers late), at least HOLD.
            holdEnd = now + Math.max(HOLD.toNanos(), ex.headLatencyNanos());
        }
        offers.add(new Offer(ex, head, arrived(ex, head)));
    }

    /** Drops the offer of {@code ex}: its stream failed while held. */
    void remove(PeerExchange ex) {
        offers.removeIf(o -> o.ex() == ex);
    }

    void clear() {
        offers.clear();
    }

    int size() {
        return offers.size();
    }

    boolean isEmpty() {
        return offers.isEmpty();
    }

    long holdEnd() {
        return holdEnd;
    }

    /** The offer to take; null if every held stream broke off meanwhile. */
    Offer best() {
        return choose(offers.stream().filter(o -> !o.ex().brokenAfterHead()).toList(), Offer::arrived);
    }

    /** The first of {@code items} (in answer order) within the margin of the most advanced; null if none. */
    static <T> T choose(List<T> items, ToLongFunction<T> arrived) {
        long max = items.stream().mapToLong(arrived).max().orElse(0);
        return items.stream()
                .filter(i -> arrived.applyAsLong(i) >= max - SPREAD_MARGIN)
                .findFirst()
                .orElse(null);
    }

    /** What the peer holds: its {@code Speglar-Arrived} header; 0 when absent (a node that does not say). */
    static long arrived(PeerExchange ex, PeerHead head) {
        String v = ex.response().headers().get(InFlightSharing.ARRIVED_HEADER);
        if (v == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

package dev.speglar.agent.debug;

import dev.speglar.routing.Lookup;
import dev.speglar.routing.Peer;
import dev.speglar.routing.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every provider of a key the router finds within a deadline, each with the time it took to arrive, and the time the
 * whole lookup took (until the router had no more, or the deadline).
 */
record LookupMeasure(List<Found> providers, Duration total) {
    /** Providers asked for per measure: a cluster rarely has more nodes holding one image worth listing. */
    static final int MAX_PROVIDERS = 100;

    record Found(Peer peer, Duration after) {}

    LookupMeasure {
        providers = List.copyOf(providers);
    }

    static LookupMeasure run(Router router, String key, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Found> found = new ArrayList<>();
        try (Lookup lookup = router.lookup(key, MAX_PROVIDERS)) {
            while (!lookup.finished() && found.size() < MAX_PROVIDERS) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Optional<Peer> p = lookup.next(Duration.ofNanos(left));
                p.ifPresent(peer -> found.add(new Found(peer, Duration.ofNanos(System.nanoTime() - start))));
            }
        }
        return new LookupMeasure(found, Duration.ofNanos(System.nanoTime() - start));
    }
}

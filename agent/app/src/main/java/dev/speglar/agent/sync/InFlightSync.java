package dev.speglar.agent.sync;

import dev.speglar.oci.Digest;
import dev.speglar.routing.InFlightKeys;
import dev.speglar.routing.Router;
import dev.speglar.store.Arrival;
import dev.speglar.store.ArrivingContent;
import dev.speglar.store.ContentStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-flight records equal to the blobs this node is receiving: every live arrival not yet complete in the
 * store is advertised under its in-flight key, and withdrawn once it completed, stalled or vanished. The arrivals are
 * scanned every {@code interval}; the mirror announces a local fetch at once through {@link #announce}, so a node
 * that misses a moment later already finds it.
 */
public final class InFlightSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InFlightSync.class);

    private final ArrivingContent arrivals;
    private final ContentStore store;
    private final Router router;
    private final ScheduledExecutorService exec;
    private Set<Digest> advertised = new HashSet<>();

    public InFlightSync(ArrivingContent arrivals, ContentStore store, Router router, Duration interval) {
        this.arrivals = arrivals;
        this.store = store;
        this.router = router;
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "inflight-sync");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, interval.toMillis());
        exec.scheduleWithFixedDelay(this::sync, every, every, TimeUnit.MILLISECONDS);
    }

    /** Advertises {@code d} as in flight now (the caller saw its arrival). */
    public void announce(Digest d) {
        boolean added;
        synchronized (this) {
            added = advertised.add(d);
        }
        if (added) {
            router.advertise(List.of(InFlightKeys.of(d)));
            log.debug("announced in-flight {}", d);
        }
    }

    /** Digests currently advertised as in flight (for diagnostics and tests). */
    public synchronized Set<Digest> advertised() {
        return Set.copyOf(advertised);
    }

    void sync() {
        try {
            Set<Digest> live = new LinkedHashSet<>();
            for (Arrival a : arrivals.arrivals()) {
                if (store.descriptor(a.digest()).isEmpty()) {
                    live.add(a.digest());
                }
            }
            Set<Digest> added;
            Set<Digest> removed;
            synchronized (this) {
                added = new LinkedHashSet<>(live);
                added.removeAll(advertised);
                removed = new HashSet<>(advertised);
                removed.removeAll(live);
                advertised = new HashSet<>(live);
            }
            if (!added.isEmpty()) {
                router.advertise(added.stream().map(InFlightKeys::of).toList());
            }
            if (!removed.isEmpty()) {
                router.withdraw(removed.stream().map(InFlightKeys::of).toList());
            }
            if (!added.isEmpty() || !removed.isEmpty()) {
                log.atDebug()
                        .addKeyValue("advertised", added.size())
                        .addKeyValue("withdrawn", removed.size())
                        .log("synchronised in-flight records");
            }
        } catch (Exception e) {
            log.atWarn().setCause(e).log("could not synchronise in-flight records; will retry");
        }
    }

    @Override
    public void close() {
        exec.shutdownNow();
    }
}

package dev.speglar.agent.sync;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.ImageName;
import dev.speglar.routing.Router;
import dev.speglar.store.ContentStore;
import dev.speglar.store.Image;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the router's advertisements equal to what the store holds: every tag name and every present digest of every
 * image that passes the filters. Recomputes the whole key set on each store change (coalesced) and periodically, and
 * advertises/withdraws the difference. Recomputing instead of applying events one by one makes a missed event or a
 * containerd restart heal itself; a tag is advertised only together with the digests it needs, so a peer never
 * answers a tag it cannot serve.
 */
public final class StateSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateSync.class);

    private final ContentStore store;
    private final Router router;
    private final Predicate<ImageName> excluded;
    private final ScheduledExecutorService exec;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AutoCloseable subscription;
    private final AdvertisedMetrics metrics;
    private Set<String> advertised = Set.of();

    public StateSync(ContentStore store, Router router, Predicate<ImageName> excluded, Duration resyncInterval) {
        this(store, router, excluded, resyncInterval, null);
    }

    /** {@code metrics} (may be null) follows every sync. */
    public StateSync(
            ContentStore store,
            Router router,
            Predicate<ImageName> excluded,
            Duration resyncInterval,
            AdvertisedMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.router = router;
        this.excluded = excluded;
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "state-sync");
            t.setDaemon(true);
            return t;
        });
        this.subscription = store.subscribe(this::requestSync);
        long every = Math.max(1, resyncInterval.toMillis());
        exec.scheduleWithFixedDelay(this::requestSync, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Schedules a sync; several requests before it runs collapse into one. */
    public void requestSync() {
        if (pending.compareAndSet(false, true)) {
            exec.execute(this::syncNow);
        }
    }

    /** The keys currently advertised (for diagnostics and tests). */
    public synchronized Set<String> advertised() {
        return advertised;
    }

    private void syncNow() {
        pending.set(false);
        try {
            Collected collected = collect();
            Set<String> keys = collected.keys();
            synchronized (this) {
                Set<String> added = new LinkedHashSet<>(keys);
                added.removeAll(advertised);
                Set<String> removed = new HashSet<>(advertised);
                removed.removeAll(keys);
                if (!added.isEmpty()) {
                    router.advertise(List.copyOf(added));
                }
                if (!removed.isEmpty()) {
                    router.withdraw(List.copyOf(removed));
                }
                if (!added.isEmpty() || !removed.isEmpty()) {
                    log.atInfo()
                            .addKeyValue("advertised", added.size())
                            .addKeyValue("withdrawn", removed.size())
                            .addKeyValue("total", keys.size())
                            .log("synchronised advertisements");
                }
                advertised = Set.copyOf(keys);
            }
            if (metrics != null) {
                metrics.update(collected.counts());
            }
        } catch (Exception e) {
            log.atWarn().setCause(e).log("could not synchronise advertisements; will retry");
        }
    }

    /** The keys to advertise, and per registry the distinct tags, image roots and content digests among them. */
    private record Collected(Set<String> keys, AdvertisedMetrics.Counts counts) {}

    Set<String> collectKeys() throws Exception {
        return collect().keys();
    }

    private Collected collect() throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        Map<String, Set<String>> tags = new HashMap<>();
        Map<String, Set<String>> images = new HashMap<>();
        Map<String, Set<String>> content = new HashMap<>();
        for (Image image : store.images()) {
            if (excluded.test(image.name())) {
                continue;
            }
            List<Descriptor> walked = store.walk(image.target());
            if (walked.isEmpty()) {
                continue; // root not present: nothing servable
            }
            String registry = image.name().registry();
            for (Descriptor d : walked) {
                keys.add(d.digest().toString());
                content.computeIfAbsent(registry, r -> new HashSet<>())
                        .add(d.digest().toString());
            }
            images.computeIfAbsent(registry, r -> new HashSet<>())
                    .add(image.target().toString());
            if (image.name().tag() != null) {
                keys.add(image.name().tagName());
                tags.computeIfAbsent(registry, r -> new HashSet<>())
                        .add(image.name().tagName());
            }
        }
        return new Collected(keys, new AdvertisedMetrics.Counts(sizes(tags), sizes(images), sizes(content)));
    }

    private static Map<String, Integer> sizes(Map<String, Set<String>> m) {
        Map<String, Integer> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.size()));
        return out;
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            log.debug("closing store subscription", e);
        }
        exec.shutdownNow();
    }
}

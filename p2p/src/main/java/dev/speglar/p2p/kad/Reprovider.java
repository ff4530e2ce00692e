package dev.speglar.p2p.kad;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps advertised keys provided: each is announced when added, again every reprovide interval, and again
 * when the node comes online after being alone. At most {@link #PARALLEL} provides run at once. A provide whose walk
 * could not reach some of the closest peers (timeouts while the network is busy, e.g. every node advertising at
 * start) is retried after a backoff, up to {@link #RETRIES} times, instead of leaving the record misplaced until the
 * next reprovide. Keys placed while the node was short of peers ({@link Dht#lowOnPeers()}) went to the few peers it
 * knew, not the closest: they are provided again when the table recovers.
 */
public final class Reprovider {
    private static final Logger LOG = LoggerFactory.getLogger(Reprovider.class);
    /**
     * Provides in flight per node. Each is a walk with up to alpha requests, and at start every node of a cluster
     * advertises at once: 32 made 200 nodes on one machine time out 110 k requests; upstream's sweeping provider
     * also spreads its provides out.
     */
    static final int PARALLEL = 8;

    static final int RETRIES = 6;
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    /** Retries wait at most this long (upstream's maximum reprovide delay). */
    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(2);

    private final Dht dht;
    private final ScheduledExecutorService scheduler;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int running;
    private final java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong();
    /** Retries so far of keys whose last provide may have missed closer peers. */
    private final Map<String, Integer> retries = new ConcurrentHashMap<>();
    /** Keys whose last provide finished while the routing table was short of peers. */
    private final java.util.Set<String> placedWhileLow = ConcurrentHashMap.newKeySet();
    /** Retries scheduled and not yet queued. */
    private int waiting;

    private final Duration retryAfter;

    public Reprovider(Dht dht, ScheduledExecutorService scheduler) {
        this(dht, scheduler, RETRY_AFTER);
    }

    /** {@code retryAfter}: the first retry's delay; each further one waits twice as long. */
    public Reprovider(Dht dht, ScheduledExecutorService scheduler, Duration retryAfter) {
        this.dht = dht;
        this.scheduler = scheduler;
        this.retryAfter = retryAfter;
        long every = dht.config().reprovideInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::reprovideAll, every, every, TimeUnit.MILLISECONDS);
        dht.onOnline(this::reprovideAll);
        dht.onRecovered(this::reprovidePlacedWhileLow);
    }

    private void reprovidePlacedWhileLow() {
        for (String hex : List.copyOf(placedWhileLow)) {
            placedWhileLow.remove(hex);
            byte[] key = keys.get(hex);
            if (key != null) {
                enqueue(key);
            }
        }
    }

    public void add(byte[] key) {
        if (keys.putIfAbsent(HexFormat.of().formatHex(key), key) == null) {
            enqueue(key);
        } else {
            // Already advertised: refresh the local record only.
            dht.providerStore().add(key, dht.self(), dht.selfAddrs());
        }
    }

    public void remove(byte[] key) {
        keys.remove(HexFormat.of().formatHex(key));
        placedWhileLow.remove(HexFormat.of().formatHex(key));
        dht.unprovide(key);
    }

    public boolean isProvided(byte[] key) {
        return keys.containsKey(HexFormat.of().formatHex(key));
    }

    public void reprovideAll() {
        runs.incrementAndGet();
        keys.values().forEach(this::enqueue);
    }

    /** How many times every key was re-announced (on the interval and on coming online) since start. */
    public long runs() {
        return runs.get();
    }

    /** Provides queued, running or waiting to be retried: 0 once every key is placed or out of retries. */
    public synchronized int pending() {
        return queue.size() + running + waiting;
    }

    /** Keys currently advertised. */
    public int size() {
        return keys.size();
    }

    private void enqueue(byte[] key) {
        dht.providerStore().add(key, dht.self(), dht.selfAddrs());
        synchronized (this) {
            queue.add(key);
        }
        pump();
    }

    private void pump() {
        while (true) {
            byte[] next;
            synchronized (this) {
                if (running >= PARALLEL || queue.isEmpty()) {
                    return;
                }
                next = queue.poll();
                running++;
            }
            if (!keys.containsKey(HexFormat.of().formatHex(next))) {
                done();
                continue;
            }
            // Async continuation: offline provides complete at once, and an inline pump() would recurse per key.
            dht.provide(next)
                    .whenCompleteAsync(
                            (placed, e) -> {
                                if (e != null) {
                                    LOG.debug("provide failed: {}", e.toString());
                                }
                                done();
                                markIfLow(next);
                                retryIfMisplaced(next, e == null && placed);
                                pump();
                            },
                            scheduler);
        }
    }

    private void markIfLow(byte[] key) {
        String hex = HexFormat.of().formatHex(key);
        if (dht.lowOnPeers()) {
            placedWhileLow.add(hex);
        } else {
            placedWhileLow.remove(hex);
        }
    }

    private void retryIfMisplaced(byte[] key, boolean placed) {
        String hex = HexFormat.of().formatHex(key);
        if (placed) {
            retries.remove(hex);
            return;
        }
        int n = retries.merge(hex, 1, Integer::sum);
        if (n > RETRIES) {
            retries.remove(hex);
            return;
        }
        LOG.debug("provide of {} may have missed closer peers; retry {} of {}", hex, n, RETRIES);
        synchronized (this) {
            waiting++;
        }
        scheduler.schedule(
                () -> {
                    synchronized (this) {
                        waiting--;
                    }
                    if (keys.containsKey(hex)) {
                        enqueue(key);
                    }
                },
                Math.min(retryAfter.toMillis() << (n - 1), Math.max(retryAfter.toMillis(), MAX_RETRY_DELAY.toMillis())),
                TimeUnit.MILLISECONDS);
    }

    private synchronized void done() {
        running--;
    }
}

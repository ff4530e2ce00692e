package dev.speglar.p2p.kad;

import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps advertised keys provided: each is announced when added, again every reprovide interval, and again
 * when the node comes online after being alone. At most {@link #PARALLEL} provides run at once.
 */
public final class Reprovider {
    private static final Logger LOG = LoggerFactory.getLogger(Reprovider.class);
    static final int PARALLEL = 32;

    private final Dht dht;
    private final ScheduledExecutorService scheduler;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int running;
    private final java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong();

    public Reprovider(Dht dht, ScheduledExecutorService scheduler) {
        this.dht = dht;
        this.scheduler = scheduler;
        long every = dht.config().reprovideInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::reprovideAll, every, every, TimeUnit.MILLISECONDS);
        dht.onOnline(this::reprovideAll);
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
                            (v, e) -> {
                                if (e != null) {
                                    LOG.debug("provide failed: {}", e.toString());
                                }
                                done();
                                pump();
                            },
                            scheduler);
        }
    }

    private synchronized void done() {
        running--;
    }
}

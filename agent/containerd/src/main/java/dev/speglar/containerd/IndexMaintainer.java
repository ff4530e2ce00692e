package dev.speglar.containerd;

import dev.speglar.containerd.api.events.Envelope;
import dev.speglar.store.support.Subscribers;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link ContentIndex} current: subscribes to containerd's image and content events first, then lists
 * everything; every relevant event triggers a (coalesced) rebuild. When the event stream breaks (containerd restart),
 * it resubscribes with exponential backoff, re-lists, and notifies subscribers. A periodic resync covers what emits no
 * event (containerd 1.x has no content-create event). All work runs on one thread, so rebuilds never overlap.
 */
final class IndexMaintainer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IndexMaintainer.class);
    static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final ContainerdClient client;
    private final IndexBuilder builder;
    private final Set<String> namespaces;
    private final Subscribers subscribers;
    private final Duration maxBackoff;
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("speglar-containerd-index").factory());
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private volatile ContentIndex index = ContentIndex.EMPTY;
    private volatile boolean closed;
    private volatile boolean connected;
    // Touched on the exec thread only.
    private volatile Context.CancellableContext subscription;
    private long generation;
    private Duration backoff = INITIAL_BACKOFF;
    private boolean started;

    IndexMaintainer(
            ContainerdClient client,
            IndexBuilder builder,
            List<String> namespaces,
            Subscribers subscribers,
            Duration maxBackoff) {
        this.client = client;
        this.builder = builder;
        this.namespaces = Set.copyOf(namespaces);
        this.subscribers = subscribers;
        this.maxBackoff = maxBackoff;
    }

    ContentIndex index() {
        return index;
    }

    /** False from a broken event stream until the re-list after reconnecting succeeded. */
    boolean connected() {
        return connected && !closed;
    }

    /** Subscribes and builds the first index; fails if containerd cannot be listed now. */
    void start(Duration resyncInterval) throws IOException {
        try {
            exec.submit(() -> {
                        subscribe();
                        index = builder.build();
                        connected = true;
                        started = true;
                        return null;
                    })
                    .get();
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing containerd", e);
        }
        long ms = resyncInterval.toMillis();
        exec.scheduleWithFixedDelay(this::requestRebuild, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Coalesces: a request made while one is queued joins it. */
    void requestRebuild() {
        if (!closed && rebuildPending.compareAndSet(false, true)) {
            run(this::rebuild);
        }
    }

    private void rebuild() {
        rebuildPending.set(false);
        try {
            publish(builder.build(), false);
        } catch (IOException | RuntimeException e) {
            // If containerd went away the event stream fails too and its reconnect re-lists; otherwise (a timeout under
            // load) retry soon, so a removal is not left in the index until the next resync.
            if (connected && !closed) {
                log.warn("could not re-list containerd, retrying in {} ms: {}", RETRY.toMillis(), e.toString());
                exec.schedule(this::requestRebuild, RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void publish(ContentIndex next, boolean always) {
        boolean changed = !next.equals(index);
        index = next;
        if (changed || always) {
            subscribers.fire();
        }
    }

    private List<String> filters() {
        List<String> filters = new ArrayList<>();
        for (String ns : namespaces) {
            filters.add("namespace==\"" + ns + "\",topic~=\"^/(images|content)/\"");
        }
        return filters;
    }

    private void subscribe() {
        if (subscription != null) {
            subscription.cancel(null);
        }
        long gen = ++generation;
        subscription = client.subscribe(filters(), new StreamObserver<>() {
            @Override
            public void onNext(Envelope e) {
                if (namespaces.contains(e.getNamespace())) {
                    log.debug("containerd event {} in {}", e.getTopic(), e.getNamespace());
                    requestRebuild();
                }
            }

            @Override
            public void onError(Throwable t) {
                streamEnded(gen, Status.fromThrowable(t).toString());
            }

            @Override
            public void onCompleted() {
                streamEnded(gen, "stream completed");
            }
        });
    }

    private void streamEnded(long gen, String why) {
        if (closed) {
            return;
        }
        run(() -> {
            // Before a successful start there is nothing to keep alive: start() reports the failure instead.
            if (started && gen == generation) {
                connected = false;
                log.warn("containerd event stream ended ({}); reconnecting", why);
                scheduleReconnect();
            }
        });
    }

    /** Runs on the index thread; gRPC callbacks may still arrive after close, when there is nothing left to do. */
    private void run(Runnable task) {
        try {
            exec.execute(task);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    private void scheduleReconnect() {
        generation++; // any late callback of the old stream is stale now
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        exec.schedule(this::reconnect, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconnect() {
        if (closed) {
            return;
        }
        client.resetConnectBackoff();
        subscribe();
        try {
            ContentIndex next = builder.build();
            connected = true;
            publish(next, true);
            backoff = INITIAL_BACKOFF;
            log.info(
                    "reconnected to containerd and re-listed {} images",
                    index.images().size());
        } catch (IOException | RuntimeException e) {
            // RuntimeExceptions too: a scheduled task that throws would end the reconnect chain for good.
            log.debug("containerd still unreachable: {}", e.toString());
            subscription.cancel(null);
            scheduleReconnect();
        }
    }

    @Override
    public void close() {
        closed = true;
        exec.shutdownNow();
        Context.CancellableContext s = subscription;
        if (s != null) {
            s.cancel(null);
        }
    }
}

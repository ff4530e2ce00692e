package dev.speglar.p2p.host;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Connection racing after RFC 8305: addresses alternate between families, IPv6 first; each attempt gets
 * {@link #ATTEMPT_DELAY} before the next one starts alongside it (at once when it fails); the first connection wins
 * and the other attempts are cancelled (or closed if they connect anyway).
 */
final class HappyEyeballs<C> {
    /** RFC 8305 §5's recommended Connection Attempt Delay. */
    static final Duration ATTEMPT_DELAY = Duration.ofMillis(250);

    private final List<InetSocketAddress> targets;
    private final Function<InetSocketAddress, CompletableFuture<C>> dial;
    private final Consumer<C> discard;
    private final ScheduledExecutorService timer;
    private final Duration delay;
    private final CompletableFuture<C> out = new CompletableFuture<>();
    private final List<CompletableFuture<C>> attempts = new ArrayList<>();
    private int next;
    private int pending;
    private Throwable last;

    private HappyEyeballs(
            List<InetSocketAddress> targets,
            Function<InetSocketAddress, CompletableFuture<C>> dial,
            Consumer<C> discard,
            ScheduledExecutorService timer,
            Duration delay) {
        this.targets = targets;
        this.dial = dial;
        this.discard = discard;
        this.timer = timer;
        this.delay = delay;
    }

    /** Races {@code targets} (already {@link #order ordered}); fails with the last error when every attempt failed. */
    static <C> CompletableFuture<C> race(
            List<InetSocketAddress> targets,
            Function<InetSocketAddress, CompletableFuture<C>> dial,
            Consumer<C> discard,
            ScheduledExecutorService timer,
            Duration delay) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("nothing to dial");
        }
        HappyEyeballs<C> h = new HappyEyeballs<>(List.copyOf(targets), dial, discard, timer, delay);
        h.startNext();
        return h.out;
    }

    /** Alternates families, IPv6 first, keeping the given order within each family (RFC 8305 §4). */
    static List<InetSocketAddress> order(List<InetSocketAddress> targets) {
        List<InetSocketAddress> v6 = new ArrayList<>();
        List<InetSocketAddress> v4 = new ArrayList<>();
        for (InetSocketAddress t : targets) {
            (t.getAddress() instanceof Inet6Address ? v6 : v4).add(t);
        }
        List<InetSocketAddress> out = new ArrayList<>(targets.size());
        for (int i = 0; i < Math.max(v6.size(), v4.size()); i++) {
            if (i < v6.size()) {
                out.add(v6.get(i));
            }
            if (i < v4.size()) {
                out.add(v4.get(i));
            }
        }
        return out;
    }

    private void startNext() {
        InetSocketAddress target;
        synchronized (this) {
            if (out.isDone()) {
                return;
            }
            if (next >= targets.size()) {
                if (pending == 0) {
                    out.completeExceptionally(last);
                }
                return;
            }
            target = targets.get(next++);
            pending++;
        }
        CompletableFuture<C> f;
        try {
            f = dial.apply(target);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        synchronized (this) {
            attempts.add(f);
        }
        if (out.isDone()) {
            // Another attempt won while this one was being started.
            if (!f.cancel(false)) {
                f.thenAccept(discard);
            }
            return;
        }
        ScheduledFuture<?> later = timer.schedule(this::startNext, delay.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<C> attempt = f;
        f.whenComplete((c, e) -> {
            later.cancel(false);
            if (e == null) {
                if (out.complete(c)) {
                    cancelOthers(attempt);
                } else {
                    discard.accept(c);
                }
                return;
            }
            synchronized (this) {
                pending--;
                last = e;
            }
            startNext();
        });
    }

    private void cancelOthers(CompletableFuture<C> winner) {
        List<CompletableFuture<C>> others;
        synchronized (this) {
            others = new ArrayList<>(attempts);
        }
        for (CompletableFuture<C> a : others) {
            if (a != winner && !a.cancel(false)) {
                a.thenAccept(discard);
            }
        }
    }
}

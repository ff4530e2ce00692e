package dev.speglar.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HappyEyeballsTest {
    private static final InetSocketAddress V4A = new InetSocketAddress("10.0.0.1", 5001);
    private static final InetSocketAddress V4B = new InetSocketAddress("10.0.0.2", 5001);
    private static final InetSocketAddress V6A = new InetSocketAddress("fd00:5a::1", 5001);
    private static final InetSocketAddress V6B = new InetSocketAddress("fd00:5a::2", 5001);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Map<InetSocketAddress, CompletableFuture<String>> attempts = new ConcurrentHashMap<>();
    private final List<InetSocketAddress> started = new CopyOnWriteArrayList<>();
    private final List<String> discarded = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private CompletableFuture<String> race(List<InetSocketAddress> targets, Duration delay) {
        return HappyEyeballs.race(
                targets,
                a -> {
                    started.add(a);
                    return attempts.computeIfAbsent(a, k -> new CompletableFuture<>());
                },
                discarded::add,
                timer,
                delay);
    }

    @Test
    void familiesAlternateIpv6First() {
        assertThat(HappyEyeballs.order(List.of(V4A, V4B, V6A, V6B))).containsExactly(V6A, V4A, V6B, V4B);
        assertThat(HappyEyeballs.order(List.of(V4A, V4B))).containsExactly(V4A, V4B);
    }

    @Test
    void aSlowIpv6AttemptIsJoinedByIpv4AfterTheDelayAndTheWinnerCancelsIt() throws Exception {
        CompletableFuture<String> out = race(HappyEyeballs.order(List.of(V4A, V6A)), Duration.ofMillis(50));
        assertThat(started).containsExactly(V6A);
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
        assertThat(started).containsExactly(V6A, V4A);
        attempts.get(V4A).complete("v4");
        assertThat(out.get(5, TimeUnit.SECONDS)).isEqualTo("v4");
        assertThat(attempts.get(V6A)).isCancelled();
    }

    @Test
    void aFailedAttemptStartsTheNextAtOnce() throws Exception {
        CompletableFuture<String> out = race(List.of(V6A, V4A), Duration.ofHours(1));
        attempts.get(V6A).completeExceptionally(new java.net.ConnectException("unreachable"));
        assertThat(started).containsExactly(V6A, V4A);
        attempts.get(V4A).complete("v4");
        assertThat(out.get(5, TimeUnit.SECONDS)).isEqualTo("v4");
    }

    @Test
    void everyAttemptFailingFailsWithTheLastError() {
        CompletableFuture<String> out = race(List.of(V6A, V4A), Duration.ofHours(1));
        attempts.get(V6A).completeExceptionally(new java.net.ConnectException("v6 down"));
        assertThat(out).isNotDone();
        attempts.get(V4A).completeExceptionally(new java.net.ConnectException("v4 down"));
        assertThat(out).isCompletedExceptionally();
        try {
            out.get();
        } catch (InterruptedException | ExecutionException e) {
            assertThat(e.getCause()).hasMessage("v4 down");
        }
    }

    @Test
    void theLoserIsCancelledNotKeptAndOneAddressIsRacedAlone() throws Exception {
        CompletableFuture<String> out = race(List.of(V6A, V4A), Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
        // The loser was still connecting: cancelled (its socket is closed by Host), never handed out.
        attempts.get(V4A).complete("v4");
        assertThat(out.get(5, TimeUnit.SECONDS)).isEqualTo("v4");
        assertThat(attempts.get(V6A).complete("v6")).isFalse(); // already cancelled
        assertThat(discarded).isEmpty();

        started.clear();
        attempts.clear();
        CompletableFuture<String> second = race(List.of(V6B), Duration.ofMillis(1));
        attempts.get(V6B).complete("only");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("only");
    }
}

package dev.speglar.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LookupCacheTest {
    private static Provider p(String id) {
        return new Provider(id, List.of(InetAddress.getLoopbackAddress()));
    }

    @Test
    void readersStreamUpToTheirCountAndFinish() throws Exception {
        SharedProviders shared = new SharedProviders(2);
        ProviderStream one = shared.reader(1);
        ProviderStream two = shared.reader(2);
        assertThat(one.poll(Duration.ofMillis(10))).isEmpty();
        assertThat(one.finished()).isFalse();
        shared.add(p("a"));
        shared.add(p("a"));
        assertThat(one.poll(Duration.ofSeconds(1))).map(Provider::peerId).contains("a");
        assertThat(one.finished()).isTrue();
        assertThat(two.poll(Duration.ofSeconds(1))).map(Provider::peerId).contains("a");
        assertThat(two.finished()).isFalse();
        shared.finish();
        shared.add(p("late"));
        assertThat(two.poll(Duration.ofSeconds(1))).isEmpty();
        assertThat(two.finished()).isTrue();
    }

    @Test
    void closeWakesAWaitingReader() throws Exception {
        SharedProviders shared = new SharedProviders(3);
        ProviderStream r = shared.reader(3);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                assertThat(r.poll(Duration.ofSeconds(30))).isEmpty();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        r.close();
        t.join(Duration.ofSeconds(10));
        assertThat(t.isAlive()).isFalse();
        assertThat(r.finished()).isTrue();
    }

    @Test
    void runningQueriesAreSharedAndBiggerRequestsStartNewOnes() {
        LookupCache cache = new LookupCache();
        AtomicInteger started = new AtomicInteger();
        SharedProviders first = cache.get("k", 2, n -> started.incrementAndGet());
        assertThat(cache.get("k", 1, n -> started.incrementAndGet())).isSameAs(first);
        SharedProviders bigger = cache.get("k", 5, n -> started.incrementAndGet());
        assertThat(bigger).isNotSameAs(first);
        assertThat(started).hasValue(2);
        // A finished, fresh result is reused even if it found fewer than asked (the network had no more).
        bigger.finish();
        assertThat(cache.get("k", 5, n -> started.incrementAndGet())).isSameAs(bigger);
        assertThat(started).hasValue(2);
    }

    @Test
    void staleShortResultIsReopenedAndItsReadersSeeTheNewQuerysProviders() throws Exception {
        LookupCache cache = new LookupCache();
        AtomicInteger started = new AtomicInteger();
        SharedProviders first = cache.get("k", 3, n -> started.incrementAndGet());
        first.add(p("dead"));
        first.finish();
        ProviderStream streaming = first.reader(3);
        assertThat(streaming.poll(Duration.ofSeconds(1))).map(Provider::peerId).contains("dead");
        assertThat(streaming.finished()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> first.age().compareTo(LookupCache.FRESH) >= 0);

        // Fewer than asked and no longer fresh: the same entry runs a new query instead of answering "dead" again.
        SharedProviders again = cache.get("k", 3, n -> {
            started.incrementAndGet();
            assertThat(n.done()).isFalse();
            n.add(p("alive"));
        });
        assertThat(again).isSameAs(first);
        assertThat(started).hasValue(2);
        assertThat(streaming.finished()).isFalse();
        assertThat(streaming.poll(Duration.ofSeconds(1))).map(Provider::peerId).contains("alive");
        ProviderStream fresh = again.reader(3);
        assertThat(fresh.poll(Duration.ofSeconds(1))).map(Provider::peerId).contains("dead");
        assertThat(fresh.poll(Duration.ofSeconds(1))).map(Provider::peerId).contains("alive");
        // While that query runs, further lookups share it.
        assertThat(cache.get("k", 3, n -> started.incrementAndGet())).isSameAs(first);
        assertThat(started).hasValue(2);
    }

    @Test
    void freshLookupRunsANewQueryAndLaterLookupsShareIt() {
        LookupCache cache = new LookupCache();
        AtomicInteger started = new AtomicInteger();
        SharedProviders cached = cache.get("k", 3, n -> started.incrementAndGet());
        cached.add(p("old"));
        cached.finish();
        SharedProviders fresh = cache.get("k", 3, true, n -> started.incrementAndGet());
        assertThat(fresh).isNotSameAs(cached);
        assertThat(started).hasValue(2);
        assertThat(cache.get("k", 3, n -> started.incrementAndGet())).isSameAs(fresh);
        assertThat(started).hasValue(2);
    }

    @Test
    void finishAllEndsRunningLookups() throws Exception {
        LookupCache cache = new LookupCache();
        ProviderStream r = cache.get("k", 3, n -> {}).reader(3);
        cache.finishAll();
        assertThat(r.poll(Duration.ofSeconds(30))).isEmpty();
        assertThat(r.finished()).isTrue();
    }
}

package dev.speglar.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Digest;
import dev.speglar.registry.inflight.InFlightSharing;
import dev.speglar.registry.inflight.LocalFetches;
import dev.speglar.routing.InFlightKeys;
import dev.speglar.routing.Lookup;
import dev.speglar.routing.Peer;
import dev.speglar.routing.Router;
import dev.speglar.store.Arrival;
import dev.speglar.store.ArrivingContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which in-flight peer a mirror streams from, and how often a local fetch walks the DHT while it settles. */
class InFlightChoiceTest extends MirrorTestSupport {
    private static final byte[] BYTES = randomBytes(10 << 20, 13);
    private static final FakePeer.Content BLOB = blob(BYTES);

    @TempDir
    Path dir;

    /** Finds {@code inFlight} under the blob's in-flight key and nobody under any other key; counts in-flight walks. */
    private static final class InFlightRouter implements Router {
        final List<Peer> inFlight;
        final AtomicInteger inFlightLookups = new AtomicInteger();

        InFlightRouter(FakePeer... peers) {
            inFlight = java.util.Arrays.stream(peers).map(FakePeer::peer).toList();
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public void advertise(Collection<String> keys) {}

        @Override
        public void withdraw(Collection<String> keys) {}

        @Override
        public String selfId() {
            return "zzz"; // bigger than every fake peer's id: this node defers to them while they decide
        }

        @Override
        public Lookup lookup(String key, int count) {
            boolean inFlightKey = key.equals(InFlightKeys.of(BLOB.digest()));
            if (inFlightKey) {
                inFlightLookups.incrementAndGet();
            }
            var found = new ArrayDeque<>(inFlightKey ? inFlight : List.<Peer>of());
            return Lookup.of(found);
        }

        @Override
        public List<Peer> peers() {
            return inFlight;
        }
    }

    private MirrorHarness agent(Router router, ArrivingContent arrivals) throws InterruptedException {
        var sharing = new InFlightSharing(
                arrivals,
                new LocalFetches(),
                d -> {},
                Duration.ofSeconds(5),
                Duration.ofMillis(30),
                Duration.ofSeconds(5));
        return track(new MirrorHarness(router, b -> b, sharing));
    }

    /** This node's own containerd is fetching the blob: its ingest exists, so the mirror settles a miss. */
    private ArrivingContent localIngest() throws Exception {
        Path data = Files.createFile(dir.resolve("data"));
        Arrival a = new Arrival(BLOB.digest(), BYTES.length, data, System.nanoTime());
        return new ArrivingContent() {
            @Override
            public List<Arrival> arrivals() {
                return List.of(a);
            }

            @Override
            public Optional<Arrival> find(Digest d) {
                return d.equals(a.digest()) ? Optional.of(a) : Optional.empty();
            }
        };
    }

    @Test
    void theMostAdvancedInFlightPeerIsStreamedFromNotTheOneThatJustStarted() throws Exception {
        FakePeer justStarted = peer(31, FakePeer.Mode.DIE_AFTER_40).put(BLOB);
        justStarted.arrived = 0;
        FakePeer advanced = peer(32, FakePeer.Mode.GOOD).put(BLOB);
        advanced.arrived = BYTES.length;
        MirrorHarness a = agent(new InFlightRouter(justStarted, advanced), ArrivingContent.NONE);

        var r = get(a.uri(MirrorHarness.blobPath(BLOB.digest())));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(r.body())).isEqualTo(BLOB.digest());
        assertThat(justStarted.contentRequests())
                .as("both in-flight peers were asked at once")
                .isPositive();
        assertThat(advanced.contentRequests()).isEqualTo(1);
        // The advanced peer's stream was taken (it is never asked again) and nothing broke off: streaming from the one
        // that just started would have broken off at 40 % and switched. (Only a head of the advanced peer slower than
        // the hold could let the other win; the choice itself is StreamOffersTest's.)
        assertThat(a.metric("speglar_mirror_failovers_total{outcome=\"gave_up\"}"))
                .isZero();
    }

    @Test
    void settleRoundsAskTheDecidingNodeAgainWithoutWalkingTheDhtEachTime() throws Exception {
        FakePeer smaller = peer(33, FakePeer.Mode.GOOD).put(BLOB);
        smaller.decidingAnswers.set(3); // the first race, settle round 1 and round 2 hear "deciding"
        InFlightRouter router = new InFlightRouter(smaller);
        MirrorHarness a = agent(router, localIngest());

        var r = get(a.uri(MirrorHarness.blobPath(BLOB.digest())));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(r.body())).isEqualTo(BLOB.digest());
        assertThat(smaller.contentRequests()).isEqualTo(4);
        // The request's own lookup and the first settle round's fresh walk; rounds 2 and 3 only asked again.
        assertThat(router.inFlightLookups).hasValue(2);
    }
}

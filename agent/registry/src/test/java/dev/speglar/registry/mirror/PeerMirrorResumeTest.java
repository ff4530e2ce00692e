package dev.speglar.registry.mirror;

import static dev.speglar.registry.mirror.FakePeer.Mode.DIE_AFTER_40;
import static dev.speglar.registry.mirror.FakePeer.Mode.GOOD;
import static dev.speglar.registry.mirror.FakePeer.Mode.STALL_AFTER_40;
import static dev.speglar.registry.mirror.MirrorHarness.blobPath;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A body that breaks off is continued from a peer with a Range request, invisibly to the client (Spegel §2.6.3). */
class PeerMirrorResumeTest extends MirrorTestSupport {

    @Test
    void singleFlakyPeerStillYieldsTheCompleteBlob() throws Exception {
        byte[] bytes = randomBytes(1_000_000, 11);
        var content = blob(bytes);
        var flaky = peer(20, DIE_AFTER_40).put(content);
        var agent = agent(OrderedRouter.of(flaky));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Length")).hasValue("1000000");
        assertThat(r.body()).isEqualTo(bytes);
        assertThat(flaky.requests).hasSizeGreaterThan(2);
        assertThat(flaky.requests.get(1).headers().get("Range")).isEqualTo("bytes=400000-999999");
    }

    @Test
    void threeFlakyPeersAreStitchedTogether() throws Exception {
        byte[] bytes = randomBytes(300_000, 12);
        var content = blob(bytes);
        var agent = agent(OrderedRouter.of(
                peer(20, DIE_AFTER_40).put(content),
                peer(21, DIE_AFTER_40).put(content),
                peer(22, DIE_AFTER_40).put(content)));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
    }

    @Test
    void resumeFromAPeerThatIgnoresRangeSkipsWhatTheClientHasAlready() throws Exception {
        byte[] bytes = randomBytes(700_000, 17);
        var content = blob(bytes);
        var peer = peer(20, FakePeer.Mode.DIE_ONCE_THEN_IGNORE_RANGE).put(content);
        var agent = agent(OrderedRouter.of(peer));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
        assertThat(peer.requests).hasSize(2);
        assertThat(peer.requests.get(1).headers().get("Range")).isEqualTo("bytes=280000-699999");
    }

    @Test
    void rangeOverAFlakyPeerReturnsExactlyTheRange() throws Exception {
        byte[] bytes = "0123456789abcdefg".getBytes();
        var content = blob(bytes);
        var agent = agent(OrderedRouter.of(peer(20, DIE_AFTER_40).put(content)));

        var r = get(agent.uri(blobPath(content.digest())), "Range", "bytes=2-15");

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 2-15/17");
        assertThat(r.headers().firstValue("Content-Length")).hasValue("14");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(new String(r.body())).isEqualTo("23456789abcdef");
    }

    @Test
    void rangeOfAGoodPeerIsPartialContent() throws Exception {
        byte[] bytes = randomBytes(20, 13);
        var content = blob(bytes);
        var agent = agent(OrderedRouter.of(peer(20, GOOD).put(content)));

        var r = get(agent.uri(blobPath(content.digest())), "Range", "bytes=1-3");

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 1-3/20");
        assertThat(r.body()).containsExactly(bytes[1], bytes[2], bytes[3]);
    }

    @Test
    void rangeBeyondTheBlobIsUnsatisfiable() throws Exception {
        var content = blob(randomBytes(20, 14));
        var agent = agent(OrderedRouter.of(peer(20, GOOD).put(content)));

        var r = get(agent.uri(blobPath(content.digest())), "Range", "bytes=20-");

        assertThat(r.statusCode()).isEqualTo(416);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes */20");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void stalledPeerIsLeftBehindAndTheRequestFinishesWithinTheStallBudget() throws Exception {
        byte[] bytes = randomBytes(500_000, 15);
        var content = blob(bytes);
        var stalled = peer(20, STALL_AFTER_40).put(content);
        var good = peer(21, GOOD).put(content);
        var agent = agent(OrderedRouter.of(stalled, good), b -> b.stallTimeout(Duration.ofMillis(300)));

        var pending = CompletableFuture.supplyAsync(() -> {
            try {
                return get(agent.uri(blobPath(content.digest())));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        // Budget: one stall timeout plus a resume, far below the 20 s client timeout.
        var r = pending.get(5, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
        // The body was resumed at the good peer (after one or more stalls, at whatever offset was reached by then).
        assertThat(good.requests.getLast().headers().get("Range")).matches("bytes=[1-9][0-9]*-499999");
    }

    @Test
    void largeBlobStreamsIntact() throws Exception {
        byte[] bytes = randomBytes(32 << 20, 16);
        var content = blob(bytes);
        var agent = agent(OrderedRouter.of(peer(20, GOOD).put(content)));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
    }
}

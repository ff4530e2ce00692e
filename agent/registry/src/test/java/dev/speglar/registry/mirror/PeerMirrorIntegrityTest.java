package dev.speglar.registry.mirror;

import static dev.speglar.registry.mirror.FakePeer.Mode.CORRUPT;
import static dev.speglar.registry.mirror.FakePeer.Mode.GOOD;
import static dev.speglar.registry.mirror.FakePeer.Mode.WRONG_DIGEST_HEADER;
import static dev.speglar.registry.mirror.MirrorHarness.blobPath;
import static dev.speglar.registry.mirror.MirrorHarness.manifestPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Wrong bytes from a peer never reach the client as a complete response (containerd would not fall back). */
class PeerMirrorIntegrityTest extends MirrorTestSupport {
    private static final String MANIFEST =
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                    + "a".repeat(64) + "\",\"size\":2},\"layers\":[]}";

    @Test
    void corruptBlobCutsTheClientShortCountsAndQuarantinesThePeer() throws Exception {
        byte[] bytes = randomBytes(2_000_000, 21);
        var content = blob(bytes);
        var corrupt = peer(30, CORRUPT).put(content);
        var agent = agent(OrderedRouter.of(corrupt));

        assertThatThrownBy(() -> get(agent.uri(blobPath(content.digest())))).isInstanceOf(IOException.class);

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(agent.metric("speglar_mirror_integrity_failures_total{kind=\"blob\"}"))
                        .isEqualTo(1));
        assertThat(agent.mirror.quarantined(corrupt.id)).isTrue();
        int asked = corrupt.requests.size();
        var again = get(agent.uri(blobPath(content.digest())));
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(body(again)).contains("\"detail\":{\"attempts\":0}");
        assertThat(corrupt.requests).hasSize(asked);
    }

    @Test
    void quarantinedPeerIsAvoidedInFavourOfAnother() throws Exception {
        byte[] bytes = randomBytes(100_000, 22);
        var content = blob(bytes);
        var corrupt = peer(30, CORRUPT).put(content);
        var good = peer(31, GOOD).put(content);
        var router = OrderedRouter.of(corrupt);
        var agent = agent(router);

        assertThatThrownBy(() -> get(agent.uri(blobPath(content.digest())))).isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.mirror.quarantined(corrupt.id));
        int asked = corrupt.requests.size();
        router.set(corrupt, good); // the corrupt peer is found first, and skipped

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
        assertThat(corrupt.requests).hasSize(asked);
    }

    @Test
    void corruptManifestFallsToTheNextPeerAndNeverReachesTheClient() throws Exception {
        var m = manifest(MANIFEST);
        var corrupt = peer(30, CORRUPT).put(m, "1.0");
        var good = peer(31, GOOD).put(m, "1.0");
        var agent = agent(OrderedRouter.of(corrupt, good));

        var r = get(agent.uri(manifestPath(m.digest().toString())));

        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(body(r)).isEqualTo(MANIFEST);
        assertThat(r.headers().firstValue("Docker-Content-Digest"))
                .hasValue(m.digest().toString());
        assertThat(r.headers().firstValue("Content-Type")).hasValue(m.mediaType());
        assertThat(agent.metric("speglar_mirror_integrity_failures_total{kind=\"manifest\"}"))
                .isEqualTo(1);
        assertThat(agent.mirror.quarantined(corrupt.id)).isTrue();
    }

    @Test
    void corruptManifestAloneIs404() throws Exception {
        var m = manifest(MANIFEST);
        var agent = agent(OrderedRouter.of(peer(30, CORRUPT).put(m)));

        var r = get(agent.uri(manifestPath(m.digest().toString())));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r)).contains("\"code\":\"MANIFEST_UNKNOWN\"", "\"detail\":{\"attempts\":1}");
    }

    @Test
    void tagWhoseDigestHeaderDoesNotMatchTheBodyIs404() throws Exception {
        var m = manifest(MANIFEST);
        var agent = agent(OrderedRouter.of(peer(30, WRONG_DIGEST_HEADER).put(m, "1.0")));

        var r = get(agent.uri(manifestPath("1.0")));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r)).contains("MANIFEST_UNKNOWN");
    }

    @Test
    void manifestByTagIsVerifiedAndServedWithItsDigest() throws Exception {
        var m = manifest(MANIFEST);
        var good = peer(31, GOOD).put(m, "1.0");
        var agent = agent(OrderedRouter.of(good));

        var r = get(agent.uri(manifestPath("1.0")));
        var h = head(agent.uri(manifestPath("1.0")));

        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(body(r)).isEqualTo(MANIFEST);
        assertThat(r.headers().firstValue("Docker-Content-Digest"))
                .hasValue(m.digest().toString());
        assertThat(h.statusCode()).as("%s", body(h)).isEqualTo(200);
        assertThat(h.body()).isEmpty();
        assertThat(h.headers().firstValue("Content-Length")).hasValue(Integer.toString(MANIFEST.length()));
        assertThat(h.headers().firstValue("Docker-Content-Digest"))
                .hasValue(m.digest().toString());
        assertThat(h.headers().firstValue("Content-Type")).hasValue(m.mediaType());
    }

    @Test
    void oversizedManifestIsRefused() throws Exception {
        var m = manifest("{\"pad\":\"" + "x".repeat(5000) + "\"}");
        var agent = agent(OrderedRouter.of(peer(31, GOOD).put(m)), b -> b.manifestSizeLimit(4096));

        var r = get(agent.uri(manifestPath(m.digest().toString())));

        assertThat(r.statusCode()).isEqualTo(404);
    }
}

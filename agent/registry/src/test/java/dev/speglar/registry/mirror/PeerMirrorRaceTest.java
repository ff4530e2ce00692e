package dev.speglar.registry.mirror;

import static dev.speglar.registry.mirror.FakePeer.Mode.ERROR;
import static dev.speglar.registry.mirror.FakePeer.Mode.GOOD;
import static dev.speglar.registry.mirror.FakePeer.Mode.MANIFEST_TYPE;
import static dev.speglar.registry.mirror.FakePeer.Mode.NOT_FOUND;
import static dev.speglar.registry.mirror.FakePeer.Mode.SILENT;
import static dev.speglar.registry.mirror.MirrorHarness.blobPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Digest;
import dev.speglar.routing.InMemoryRouter;
import dev.speglar.routing.Peer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finding a peer that answers, or failing fast with Spegel's 404 so containerd goes upstream. */
class PeerMirrorRaceTest extends MirrorTestSupport {
    private static final Digest SPEC_DIGEST =
            Digest.parse("sha256:03ffdf45276dd38ffac79b0e9c6c14d89d9113ad783d5922580f4c66a3305591");

    @Test
    void noPeersAnswers404WithAttemptsZeroExactlyAsSpegel() throws Exception {
        var agent = agent(InMemoryRouter.standalone(new Peer("self", List.of(InetAddress.getLoopbackAddress()), 0)));

        var r = get(agent.uri(blobPath(SPEC_DIGEST)));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Content-Length")).hasValue("168");
        assertThat(body(r))
                .isEqualTo("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"detail\":{\"attempts\":0},"
                        + "\"message\":\"could not find peer for " + SPEC_DIGEST + "\"}]}");
        var h = head(agent.uri(blobPath(SPEC_DIGEST)));
        assertThat(h.statusCode()).isEqualTo(404);
        assertThat(h.headers().firstValue("Content-Length")).hasValue("168");
        assertThat(h.body()).isEmpty();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                agent.metric("spegel_mirror_requests_total{cache=\"miss\",registry=\"docker.io\"}"))
                        .isEqualTo(2));
    }

    @Test
    void requestsWithoutNsAreLabelledWithTheRegistryTheyStandForNeverEmpty() throws Exception {
        var self = new Peer("self", List.of(InetAddress.getLoopbackAddress()), 0);
        var agent = agent(InMemoryRouter.standalone(self), b -> b.defaultRegistry("docker.io"));
        String noNs = blobPath(SPEC_DIGEST).replace("?ns=docker.io", "");
        assertThat(get(agent.uri(noNs)).statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                agent.metric("spegel_mirror_requests_total{cache=\"miss\",registry=\"docker.io\"}"))
                        .isEqualTo(1));
        assertThat(agent.metric("spegel_mirror_requests_total{cache=\"miss\",registry=\"\"}"))
                .isZero();

        var strict = agent(InMemoryRouter.standalone(self));
        assertThat(get(strict.uri(noNs)).statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                strict.metric("spegel_mirror_requests_total{cache=\"miss\",registry=\"unknown\"}"))
                        .isEqualTo(1));
        assertThat(strict.metric("spegel_mirror_requests_total{cache=\"miss\",registry=\"\"}"))
                .isZero();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {180, 100_000})
    void connectionCloseClientIsCountedAsAHit(int size) throws Exception {
        // skopeo sends "Connection: close" for blobs; the agent's own close after the body must not look like the
        // client leaving early.
        byte[] bytes = randomBytes(size, 3);
        var content = blob(bytes);
        var agent = agent(OrderedRouter.of(peer(20, GOOD).put(content)));
        java.net.URI uri = agent.uri(blobPath(content.digest()));
        byte[] response;
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: " + uri.getHost()
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            response = socket.getInputStream().readAllBytes(); // until the agent closes
        }
        String text = new String(response, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("HTTP/1.1 200 OK\r\n");
        int bodyStart = text.indexOf("\r\n\r\n") + 4;
        assertThat(java.util.Arrays.copyOfRange(response, bodyStart, response.length))
                .isEqualTo(bytes);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                agent.metric("spegel_mirror_requests_total{cache=\"hit\",registry=\"docker.io\"}"))
                        .isEqualTo(1));
        assertThat(agent.metric("spegel_mirror_requests_total{cache=\"miss\",registry=\"docker.io\"}"))
                .isZero();
    }

    @Test
    void theAskingNodeIsNeverAskedBack() throws Exception {
        // Node .20's containerd lists this agent after its own: it asks here for what its own agent just missed. The
        // DHT names .20 (say, in flight); asking it back would wait on its own pending request.
        byte[] bytes = randomBytes(10_000, 7);
        var content = blob(bytes);
        FakePeer asker = peer(20, GOOD).put(content);
        var agent = agent(OrderedRouter.of(asker));
        java.net.URI uri = agent.uri(blobPath(content.digest()));
        String request = "GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: " + uri.getHost()
                + "\r\nConnection: close\r\n\r\n";
        try (java.net.Socket socket =
                new java.net.Socket(uri.getHost(), uri.getPort(), InetAddress.getByName("127.0.0.20"), 0)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String text =
                    new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 404 ");
        }
        assertThat(asker.requests).isEmpty();
        // Any other client is served from .20 as before.
        var r = get(agent.uri(blobPath(content.digest())));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
        assertThat(MirrorSession.requester(new java.net.InetSocketAddress("127.0.0.1", 1)))
                .isNull();
        assertThat(MirrorSession.requester(new java.net.InetSocketAddress("::1", 1)))
                .isNull();
        assertThat(MirrorSession.requester(new java.net.InetSocketAddress("10.0.0.7", 1)))
                .isEqualTo(InetAddress.getByName("10.0.0.7"));
    }

    @ParameterizedTest(name = "good peer at position {0}")
    @ValueSource(ints = {0, 1, 2})
    void goodPeerAnywhereInTheListServesTheBlob(int goodAt) throws Exception {
        byte[] bytes = randomBytes(100_000, goodAt);
        var content = blob(bytes);
        List<FakePeer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add(peer(10 + i, i == goodAt ? GOOD : (i % 2 == 0 ? NOT_FOUND : ERROR))
                    .put(content));
        }
        var agent = agent(OrderedRouter.of(peers.toArray(FakePeer[]::new)));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
        assertThat(r.headers().firstValue("Content-Length")).hasValue("100000");
        assertThat(r.headers().firstValue("Docker-Content-Digest"))
                .hasValue(content.digest().toString());
        assertThat(r.headers().firstValue("Content-Type")).hasValue(content.mediaType());
        assertThat(r.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                agent.metric("spegel_mirror_requests_total{cache=\"hit\",registry=\"docker.io\"}"))
                        .isEqualTo(1));
        assertThat(agent.metric("spegel_mirror_last_success_timestamp_seconds")).isPositive();
    }

    @Test
    void forwardedRequestCarriesSpegelHeadersAndCredentials() throws Exception {
        var content = blob(randomBytes(1000, 7));
        var good = peer(10, GOOD).put(content);
        var agent = agent(OrderedRouter.of(good), b -> b.basicAuth(MirrorConfig.basicAuthHeader("foo", "bar")));

        assertThat(get(agent.uri(blobPath(content.digest()))).statusCode()).isEqualTo(200);

        var sent = good.requests.getFirst();
        assertThat(sent.uri()).isEqualTo(blobPath(content.digest()));
        assertThat(sent.headers().get("X-Spegel-Mirrored")).isEqualTo("true");
        assertThat(sent.headers().get("User-Agent")).isEqualTo("speglar");
        assertThat(sent.headers().get("Authorization")).isEqualTo("Basic Zm9vOmJhcg==");
        assertThat(sent.headers().getAll("Accept"))
                .containsExactly(
                        "application/vnd.oci.image.manifest.v1+json",
                        "application/vnd.docker.distribution.manifest.v2+json",
                        "application/vnd.oci.image.index.v1+json",
                        "application/vnd.docker.distribution.manifest.list.v2+json");
        assertThat(sent.headers().contains("Range")).isFalse();
    }

    @Test
    void allPeersBadOrUnreachableAnswers404WithAttemptsThree() throws Exception {
        var content = blob(randomBytes(10, 1));
        var a = peer(10, NOT_FOUND);
        var b = peer(11, ERROR);
        var router = new OrderedRouter(List.of(a.peer(), b.peer(), unreachable(12)));
        var agent = agent(router);

        for (var r : List.of(get(agent.uri(blobPath(content.digest()))), head(agent.uri(blobPath(content.digest()))))) {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(body(r))
                    .isIn(
                            "",
                            "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"detail\":{\"attempts\":3},"
                                    + "\"message\":\"all request retries exhausted for " + content.digest() + "\"}]}");
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        }
    }

    @Test
    void twoSilentPeersEndIn404OnceTheRaceBudgetIsSpent() throws Exception {
        var content = blob(randomBytes(10, 1));
        // Spegel's race floor: both silent peers are asked (second one at the 50 ms hedge), then the race gives up.
        var agent = agent(
                OrderedRouter.of(peer(10, SILENT), peer(11, SILENT)), b -> b.raceBudgetFloor(Duration.ofMillis(100)));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r))
                .isEqualTo("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"detail\":{\"attempts\":2},"
                        + "\"message\":\"waited too long for inflight dials to complete for " + content.digest()
                        + "\"}]}");
    }

    @Test
    void manifestRequestedAsBlobIsNotServed() throws Exception {
        var m = manifest("{\"schemaVersion\":2}");
        var agent = agent(OrderedRouter.of(peer(10, MANIFEST_TYPE).put(m)));

        var r = get(agent.uri(blobPath(m.digest())));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r)).contains("\"code\":\"BLOB_UNKNOWN\"", "\"detail\":{\"attempts\":1}");
    }

    @Test
    void blobRequestedAsManifestIsNotServed() throws Exception {
        var content = blob(randomBytes(100, 5));
        var agent = agent(OrderedRouter.of(peer(10, GOOD).put(content)));

        var r = get(agent.uri(MirrorHarness.manifestPath(content.digest().toString())));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r))
                .isEqualTo("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"detail\":{\"attempts\":1},"
                        + "\"message\":\"all request retries exhausted for " + content.digest() + "\"}]}");
    }

    @Test
    void manifestsAndHeadsGiveUpAtTheOverallDeadlineWithAnEmpty404() throws Exception {
        var m = manifest("{}");
        var agent = agent(
                OrderedRouter.of(peer(10, SILENT).put(m)),
                b -> b.deadline(Duration.ofMillis(300)).raceBudgetFloor(Duration.ofSeconds(30)));

        var r = get(agent.uri(MirrorHarness.manifestPath(m.digest().toString())));
        var h = head(agent.uri(blobPath(m.digest())));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Content-Length")).hasValue("0");
        assertThat(h.statusCode()).isEqualTo(404);
    }

    @Test
    void thisNodeIsNeverAskedEvenIfTheRouterReturnsIt() throws Exception {
        var content = blob(randomBytes(10, 1));
        // Port 0 means "the local registry port": with a local address, that is this very node.
        var self = new Peer("me", List.of(InetAddress.getLoopbackAddress()), 0);
        var agent = agent(new OrderedRouter(List.of(self)));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r)).contains("\"detail\":{\"attempts\":0}");
        // Forwarding to itself would have shown up as a second mirrored request.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                agent.metric("spegel_mirror_requests_total{cache=\"miss\",registry=\"docker.io\"}"))
                        .isEqualTo(1));
    }

    @Test
    void aPeerIsReachedOnItsSecondAddressWhenTheFirstRefuses() throws Exception {
        var content = blob(randomBytes(3000, 4));
        var good = peer(82, GOOD).put(content);
        var twoAddresses = new Peer("dual", List.of(InetAddress.getByName("127.0.0.81"), good.address), good.port());
        var agent = agent(new OrderedRouter(List.of(twoAddresses)));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(content.bytes());
    }

    @Test
    void headOfABlobGetsHeadersOnly() throws Exception {
        var content = blob(randomBytes(5000, 3));
        var good = peer(10, GOOD).put(content);
        var agent = agent(OrderedRouter.of(good));

        var r = head(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Content-Length")).hasValue("5000");
        assertThat(r.headers().firstValue("Docker-Content-Digest"))
                .hasValue(content.digest().toString());
        assertThat(good.requests.getFirst().method().name()).isEqualTo("HEAD");
    }

    @Test
    void peersAreFoundThroughTheInMemoryRouter() throws Exception {
        var content = blob(randomBytes(2000, 9));
        var dir = new InMemoryRouter.Directory();
        var good = peer(10, GOOD).put(content);
        new InMemoryRouter(dir, good.peer(), true)
                .advertise(List.of(content.digest().toString()));
        var agent =
                agent(new InMemoryRouter(dir, new Peer("agent", List.of(InetAddress.getLoopbackAddress()), 0), true));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).as("%s", body(r)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(content.bytes());
    }
}

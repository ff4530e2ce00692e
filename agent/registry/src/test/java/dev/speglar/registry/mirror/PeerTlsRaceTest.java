package dev.speglar.registry.mirror;

import static dev.speglar.registry.mirror.FakePeer.Mode.GOOD;
import static dev.speglar.registry.mirror.FakePeer.Mode.SILENT;
import static dev.speglar.registry.mirror.MirrorHarness.blobPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.Digest;
import dev.speglar.registry.tls.PeerTls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers over mutual TLS on a loaded node: a handshake slower than the race budget must not make the requests waiting
 * for it give up (they got Spegel's 404 and containerd went upstream), while a peer that never completes one still
 * ends in a 404 within the connect timeout.
 */
class PeerTlsRaceTest extends MirrorTestSupport {
    private static final Duration BUDGET = Duration.ofMillis(100);
    /** Well above the race budget, well below the connect timeout (the handshake's own bound). */
    private static final Duration SLOW_HANDSHAKE = Duration.ofMillis(700);

    private PeerTls tls;

    @BeforeEach
    void certificates(@TempDir Path dir) throws Exception {
        // One self-signed certificate serves as CA and as both agents' certificate: it vouches for itself.
        Path store = dir.resolve("agent.p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "agent",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=agent",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        String crt = pem("CERTIFICATE", ks.getCertificate("agent").getEncoded());
        Files.writeString(dir.resolve("ca.crt"), crt);
        Files.writeString(dir.resolve("tls.crt"), crt);
        Files.writeString(
                dir.resolve("tls.key"),
                pem("PRIVATE KEY", ks.getKey("agent", "changeit".toCharArray()).getEncoded()));
        tls = PeerTls.load(dir, Duration.ofMinutes(10));
    }

    @AfterEach
    void closeTls() {
        tls.close();
    }

    @Test
    void concurrentRequestsWaitForASlowHandshakeInsteadOfGivingUp() throws Exception {
        byte[] bytes = randomBytes(300_000, 7);
        var content = blob(bytes);
        var peer = track(new FakePeer("peer-40", "127.0.0.40", GOOD, tls.server(), SLOW_HANDSHAKE))
                .put(content);
        // A long overall deadline: the race budget is under test, not how long six handshakes take on a loaded machine.
        var agent = agent(
                OrderedRouter.of(peer),
                b -> b.peerTls(tls).raceBudgetFloor(BUDGET).deadline(Duration.ofSeconds(20)));

        List<CompletableFuture<HttpResponse<byte[]>>> pulls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pulls.add(HTTP.sendAsync(
                    HttpRequest.newBuilder(agent.uri(blobPath(content.digest())))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (var f : pulls) {
            var r = f.get();
            assertThat(r.statusCode()).as(body(r)).isEqualTo(200);
            assertThat(Digest.sha256(r.body())).isEqualTo(content.digest());
        }

        // Handshakes done, the connections are pooled: another pull opens none.
        int opened = peer.connections.get();
        var again = get(agent.uri(blobPath(content.digest())));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(again.body())).isEqualTo(content.digest());
        assertThat(peer.connections.get()).isEqualTo(opened);
    }

    @Test
    void aPeerThatNeverCompletesTheHandshakeFailsWithinTheConnectTimeoutNotTheDeadline() throws Exception {
        var content = blob(randomBytes(10, 1));
        var mute = track(new FakePeer("peer-41", "127.0.0.41", GOOD, tls.server(), Duration.ofSeconds(-1)))
                .put(content);
        // A deadline the test would notice: ending there would answer with an empty body, not attempts.
        var agent = agent(
                OrderedRouter.of(mute),
                b -> b.peerTls(tls)
                        .raceBudgetFloor(BUDGET)
                        .connectTimeout(Duration.ofMillis(300))
                        .deadline(Duration.ofSeconds(30)));

        var r = get(agent.uri(blobPath(content.digest())));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r))
                .isEqualTo("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"detail\":{\"attempts\":1},"
                        + "\"message\":\"all request retries exhausted for " + content.digest() + "\"}]}");
    }

    @Test
    void aRefusingOrSilentTlsPeerStillEndsInSpegels404() throws Exception {
        var content = blob(randomBytes(10, 1));
        var silent = track(new FakePeer("peer-42", "127.0.0.42", SILENT, tls.server(), Duration.ZERO));
        var agent = agent(
                new OrderedRouter(List.of(unreachable(43), silent.peer())),
                b -> b.peerTls(tls).raceBudgetFloor(BUDGET).deadline(Duration.ofSeconds(30)));

        var r = get(agent.uri(blobPath(content.digest())));

        // The refused dial fails at once, the silent peer completes its handshake and then runs out the budget.
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r))
                .isEqualTo("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"detail\":{\"attempts\":2},"
                        + "\"message\":\"waited too long for inflight dials to complete for " + content.digest()
                        + "\"}]}");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

package dev.speglar.registry.tags;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.speglar.oci.Digest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Docker token dance against a registry and token service on loopback (JDK HTTP server). */
class HttpUpstreamTagsTest {
    private static final Digest D = Digest.sha256("v2".getBytes());
    private static final String BASIC =
            "Basic " + Base64.getEncoder().encodeToString("node:s3cret".getBytes(StandardCharsets.UTF_8));

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A registry that wants {@code challenge}; its token service issues "tok" only for the node's credentials. */
    private URI start(String scheme) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.61", 0), 0);
        String base = "http://127.0.0.61:" + server.getAddress().getPort();
        server.createContext("/token", x -> {
            seen.add("token " + x.getRequestURI().getQuery() + " " + auth(x));
            if (BASIC.equals(auth(x))) {
                reply(x, 200, "{\"token\":\"tok\"}");
            } else {
                reply(x, 401, "{}");
            }
        });
        server.createContext("/v2/", x -> {
            String a = auth(x);
            seen.add("registry " + a);
            boolean ok = scheme.equals("Basic") ? BASIC.equals(a) : "Bearer tok".equals(a);
            if (ok) {
                x.getResponseHeaders().add("Docker-Content-Digest", D.toString());
                x.sendResponseHeaders(200, -1);
            } else {
                x.getResponseHeaders()
                        .add(
                                "WWW-Authenticate",
                                scheme.equals("Basic")
                                        ? "Basic realm=\"registry\""
                                        : "Bearer realm=\"" + base + "/token\",service=\"test\"");
                x.sendResponseHeaders(401, -1);
            }
            x.close();
        });
        server.start();
        return URI.create(base);
    }

    private static String auth(HttpExchange x) {
        return x.getRequestHeaders().getFirst("Authorization");
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    private Optional<Digest> ask(URI base, Optional<String> credentials) throws Exception {
        return new HttpUpstreamTags(r -> base, r -> credentials, Duration.ofSeconds(5))
                .digest("registry.internal", "team/app", "latest")
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void bearerChallengeGetsATokenWithTheNodesBasicCredentials() throws Exception {
        URI base = start("Bearer");
        assertThat(ask(base, Optional.of(BASIC))).hasValue(D);
        assertThat(seen)
                .containsExactly(
                        "registry null",
                        "token scope=repository:team/app:pull&service=test " + BASIC,
                        "registry Bearer tok");
    }

    @Test
    void bearerChallengeWithoutCredentialsAsksAnonymouslyAndFallsBack() throws Exception {
        URI base = start("Bearer");
        try {
            ask(base, Optional.empty());
            throw new AssertionError("expected no digest");
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).hasMessageContaining("no token").hasMessageNotContaining("s3cret");
        }
        assertThat(seen).contains("token scope=repository:team/app:pull&service=test null");
    }

    @Test
    void basicChallengeIsAnsweredWithTheNodesCredentialsOnly() throws Exception {
        URI base = start("Basic");
        assertThat(ask(base, Optional.of(BASIC))).hasValue(D);
        assertThat(seen).containsExactly("registry null", "registry " + BASIC);
        seen.clear();
        assertThat(ask(base, Optional.empty())).isEmpty();
        assertThat(seen).containsExactly("registry null");
    }
}

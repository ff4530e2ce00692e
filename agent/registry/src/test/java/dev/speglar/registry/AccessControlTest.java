package dev.speglar.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.filter.ReferenceFilters;
import dev.speglar.registry.http.BasicAuth;
import dev.speglar.registry.testing.FakeContentStore;
import dev.speglar.registry.testing.RawHttp;
import dev.speglar.registry.testing.RawHttp.Response;
import dev.speglar.routing.InMemoryRouter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Basic auth, filters and readiness over a real socket. */
class AccessControlTest {
    private RegistryServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private FakeContentStore store() {
        FakeContentStore s = new FakeContentStore(null);
        var m = s.add(MediaTypes.OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8));
        s.tag("docker.io/library/app:latest", m.digest());
        s.tag("docker.io/library/app:1.0", m.digest());
        s.tag("ghcr.io/org/tool:2", m.digest());
        return s;
    }

    @ParameterizedTest(name = "configured={0}:{1} sent={2} -> {3}")
    @CsvSource(
            nullValues = "null",
            value = {
                // configured user, password, Authorization header, expected status
                "null,null,null,200",
                "null,null,Basic Zm9vOmJhcg==,200",
                "foo,bar,Basic Zm9vOmJhcg==,200",
                "foo,bar,basic Zm9vOmJhcg==,200",
                "foo,bar,null,401",
                "foo,bar,Basic Zm9vOmJheg==,401",
                "foo,bar,Basic Zm9vOmJhcmI=,401",
                "foo,bar,Basic Zm9vOg==,401",
                "foo,bar,Basic !!!notbase64,401",
                "foo,bar,Bearer Zm9vOmJhcg==,401",
                "foo,bar,Basic Zm9vYmFy,401",
                "foo,'',Basic Zm9vOg==,200",
                "hello,world,Basic aGVsbG86d29ybGQ=,200",
            })
    void basicAuthMatrix(String user, String password, String authorization, int status) throws Exception {
        RegistryServer.Builder b = RegistryServer.builder().store(store());
        if (user != null) {
            b.basicAuth(user, password);
        }
        server = b.build();
        try (RawHttp c = new RawHttp(server.start())) {
            for (String path : List.of("/v2/", "/v2/library/app/manifests/1.0?ns=docker.io")) {
                Response r = authorization == null
                        ? c.exchange("HEAD", path)
                        : c.exchange("HEAD", path, "Authorization: " + authorization);
                assertThat(r.status()).as(path).isEqualTo(status);
            }
            Response get = authorization == null
                    ? c.exchange("GET", "/v2/")
                    : c.exchange("GET", "/v2/", "Authorization: " + authorization);
            if (status == 401) {
                assertThat(get.bodyText())
                        .isEqualTo("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid credentials\"}]}");
                assertThat(get.header("www-authenticate")).isNull();
            }
            // Probes are never behind auth.
            assertThat(c.exchange("GET", "/livez").status()).isEqualTo(200);
        }
    }

    @Test
    void headerVectorsFromSpec() {
        assertThat(BasicAuth.header("foo", "")).isEqualTo("Basic Zm9vOg==");
        assertThat(BasicAuth.header("foo", "bar")).isEqualTo("Basic Zm9vOmJhcg==");
        assertThat(BasicAuth.header("hello", "world")).isEqualTo("Basic aGVsbG86d29ybGQ=");
    }

    @Test
    void filteredReferencesAre404WithEmptyBodyAndNeverReachTheMissHandler() throws Exception {
        AtomicInteger misses = new AtomicInteger();
        server = RegistryServer.builder()
                .store(store())
                .filters(ReferenceFilters.fromFlags(List.of("https://docker.io"), List.of(":latest$")))
                .missHandler((ctx, r, k) -> {
                    misses.incrementAndGet();
                    NotFoundMissHandler.INSTANCE.handle(ctx, r, k);
                })
                .build();
        try (RawHttp c = new RawHttp(server.start())) {
            assertThat(c.exchange("HEAD", "/v2/library/app/manifests/1.0?ns=docker.io")
                            .status())
                    .isEqualTo(200);
            assertThat(c.exchange("HEAD", "/v2/library/app/manifests/1.0").status())
                    .isEqualTo(200);
            Response latest = c.exchange("GET", "/v2/library/app/manifests/latest?ns=docker.io");
            assertThat(latest.status()).isEqualTo(404);
            assertThat(latest.header("content-length")).isEqualTo("0");
            assertThat(c.exchange("HEAD", "/v2/org/tool/manifests/2?ns=ghcr.io").status())
                    .isEqualTo(404);
            assertThat(misses).hasValue(0);
            // Digests without ns pass the allow-list (Docker's mirror); a digest with a foreign ns does not.
            String missing = "sha256:" + "cd".repeat(32);
            assertThat(c.exchange("HEAD", "/v2/org/tool/blobs/" + missing).status())
                    .isEqualTo(404);
            assertThat(misses).hasValue(1);
            assertThat(c.exchange("HEAD", "/v2/org/tool/blobs/" + missing + "?ns=ghcr.io")
                            .status())
                    .isEqualTo(404);
            assertThat(misses).hasValue(1);
        }
    }

    @Test
    void readinessFollowsTheRouterByDefault() throws Exception {
        InMemoryRouter router = InMemoryRouter.standalone(
                new dev.speglar.routing.Peer("self", List.of(InetAddress.getLoopbackAddress()), 0));
        server = RegistryServer.builder().store(store()).router(router).build();
        try (RawHttp c = new RawHttp(server.start())) {
            Response notReady = c.exchange("GET", "/readyz");
            assertThat(notReady.status()).isEqualTo(500);
            // Upstream answers with an empty body; the reason is extra text that probes ignore.
            assertThat(notReady.bodyText())
                    .isEqualTo("not ready: no peers reachable yet (bootstrap retrying); 3 local image(s)\n");
            router.setReady(true);
            Response ready = c.exchange("GET", "/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.bodyText()).isEqualTo("ready: no peers needed\n");
            Response head = c.exchange("HEAD", "/readyz");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(c.exchange("GET", "/livez").status()).isEqualTo(200);
        }
    }

    @Test
    void localContentModeMakesALoneNodeWithImagesReady() throws Exception {
        InMemoryRouter router = InMemoryRouter.standalone(
                new dev.speglar.routing.Peer("self", List.of(InetAddress.getLoopbackAddress()), 0));
        FakeContentStore empty = new FakeContentStore(null);
        server = RegistryServer.builder()
                .store(empty)
                .router(router)
                .readiness(Readiness.ROUTER_OR_LOCAL_CONTENT)
                .build();
        try (RawHttp c = new RawHttp(server.start())) {
            assertThat(c.exchange("GET", "/readyz").status()).isEqualTo(500);
            var m = empty.add(MediaTypes.OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8));
            empty.tag("docker.io/library/x:1", m.digest());
            assertThat(c.exchange("GET", "/readyz").status()).isEqualTo(200);
        }
    }
}

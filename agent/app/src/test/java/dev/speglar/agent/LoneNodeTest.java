package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.agent.cli.RegistryCommand;
import dev.speglar.oci.Digest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A P2P agent whose only seed never answers: a one-node cluster. */
class LoneNodeTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private AgentConfig config(String host) throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.32"))) {
            deadPort = s.getLocalPort();
        }
        return RegistryCommand.parse(
                "--registry-addr=" + host + ":0",
                "--metrics-addr=" + host + ":0",
                "--router-addr=" + host + ":0",
                "--store=oci-layout",
                "--oci-layout-dir=" + dir,
                "--bootstrap-kind=static",
                "--static-bootstrap-peers=/ip4/127.0.0.32/tcp/" + deadPort,
                "--verify-containerd-config=false",
                "--basic-auth-dir=" + dir.resolve("no-auth"));
    }

    @Test
    void withLoneNodeReadyItServesItsOwnContentAndSaysWhyItIsReady() throws Exception {
        assertThat(Main.run("demo-image", "--out", dir.toString(), "--layer-size", "1000"))
                .isZero();
        try (Agent agent = Agent.start(config("127.0.0.33"), ExtendedOptions.DEFAULTS.withLoneNodeReady(true))) {
            String base = "http://127.0.0.33:" + agent.registryAddress().getPort();
            HttpResponse<String> ready = get(base + "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ready: no peers, serving 1 local image(s)\n");
            HttpResponse<String> manifest = get(base + "/v2/library/speglar-demo/manifests/1.0?ns=docker.io");
            assertThat(manifest.statusCode()).isEqualTo(200);
            assertThat(manifest.headers().firstValue("Docker-Content-Digest"))
                    .hasValue(Digest.sha256(manifest.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .toString());
        }
    }

    @Test
    void withoutItTheLoneNodeIsNotReadyAsUpstreamAndSaysWhy() throws Exception {
        assertThat(Main.run("demo-image", "--out", dir.toString(), "--layer-size", "1000"))
                .isZero();
        try (Agent agent = Agent.start(config("127.0.0.34"))) {
            String base = "http://127.0.0.34:" + agent.registryAddress().getPort();
            HttpResponse<String> ready = get(base + "/readyz");
            assertThat(ready.statusCode()).isEqualTo(500);
            assertThat(ready.body())
                    .startsWith("not ready: no peers reachable yet")
                    .endsWith("; 1 local image(s)\n");
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

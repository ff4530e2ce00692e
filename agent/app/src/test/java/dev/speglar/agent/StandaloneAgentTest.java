package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.cli.RegistryCommand;
import dev.speglar.oci.Digest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single agent serving a generated image from an OCI layout, over real HTTP. */
class StandaloneAgentTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesTheGeneratedImageByTagAndDigestAndAdvertisesIt() throws Exception {
        assertThat(Main.run("demo-image", "--out", dir.toString(), "--layer-size", "100000"))
                .isZero();
        AgentConfig config = RegistryCommand.parse(
                "--registry-addr=127.0.0.31:0",
                "--metrics-addr=127.0.0.31:0",
                "--store=oci-layout",
                "--oci-layout-dir=" + dir,
                "--standalone",
                "--verify-containerd-config=false",
                "--basic-auth-dir=" + dir.resolve("no-auth"));
        try (Agent agent = Agent.start(config)) {
            String base = "http://127.0.0.31:" + agent.registryAddress().getPort();
            assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);

            HttpResponse<byte[]> head = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v2/library/speglar-demo/manifests/1.0"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(head.statusCode()).isEqualTo(200);
            String digest = head.headers().firstValue("Docker-Content-Digest").orElseThrow();

            HttpResponse<byte[]> manifest =
                    get(base + "/v2/library/speglar-demo/manifests/" + digest + "?ns=docker.io");
            assertThat(Digest.sha256(manifest.body()).toString()).isEqualTo(digest);
            Matcher m = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                    .matcher(new String(manifest.body()));
            assertThat(m.find()).isTrue();
            HttpResponse<byte[]> layer = get(base + "/v2/library/speglar-demo/blobs/" + m.group(1));
            assertThat(layer.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(layer.body()).toString()).isEqualTo(m.group(1));

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> agent.sync().advertised().contains("docker.io/library/speglar-demo:1.0"));
            assertThat(agent.sync().advertised()).contains(digest, m.group(1));

            String metrics =
                    new String(get("http://127.0.0.31:" + agent.metricsAddress().getPort() + "/metrics")
                            .body());
            assertThat(metrics).contains("http_request_duration_seconds").contains("process_resident_memory_bytes");
        }
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}

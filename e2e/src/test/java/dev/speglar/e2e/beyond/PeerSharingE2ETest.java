package dev.speglar.e2e.beyond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.Agent;
import dev.speglar.agent.Main;
import dev.speglar.agent.cli.RegistryCommand;
import dev.speglar.oci.Digest;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.TempDirs;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two real agents over real P2P. A holds a public image, a second public one, and an image of a registry containerd
 * has credentials for (an Authorization header in its hosts.toml). A never serves the private one to B; B, told to
 * deny one repository, never asks for it; public content still flows. Both refusals are counted.
 */
@Tag("real")
class PeerSharingE2ETest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void privateAndDeniedContentStaysOffThePeerNetwork() throws Exception {
        Path work = TempDirs.create("sharing");
        Path pub = work.resolve("public");
        Path third = work.resolve("third");
        Path secret = work.resolve("secret");
        Path other = work.resolve("other");
        assertThat(Main.run("demo-image", "--out", pub.toString(), "--layer-size", "5000"))
                .isZero();
        assertThat(Main.run(
                        "demo-image",
                        "--out",
                        third.toString(),
                        "--layer-size",
                        "6000",
                        "--name",
                        "docker.io/library/third:1.0"))
                .isZero();
        assertThat(Main.run(
                        "demo-image",
                        "--out",
                        secret.toString(),
                        "--layer-size",
                        "7000",
                        "--name",
                        "registry.internal/acme/secret:1.0"))
                .isZero();
        assertThat(Main.run(
                        "demo-image",
                        "--out",
                        other.toString(),
                        "--layer-size",
                        "1000",
                        "--name",
                        "docker.io/library/other:1.0"))
                .isZero();
        Path certsA = work.resolve("certs-a");
        Files.createDirectories(certsA.resolve("registry.internal"));
        Files.writeString(certsA.resolve("registry.internal/hosts.toml"), """
        server = "https://registry.internal"

        [host."https://registry.internal"]
          capabilities = ["pull", "resolve"]
          [host."https://registry.internal".header]
            Authorization = "Basic c2VjcmV0OnNlY3JldA=="
        """);

        InetAddress hostA = LoopbackAddresses.nextAddress();
        InetAddress hostB = LoopbackAddresses.nextAddress();
        int port = LoopbackAddresses.freePort(hostA);
        int routerA = LoopbackAddresses.freePort(hostA);
        Agent a = start(
                hostA,
                port,
                routerA,
                List.of(pub, third, secret),
                certsA,
                "/ip4/" + hostB.getHostAddress() + "/tcp/1",
                List.of());
        Agent b = start(
                hostB,
                port,
                LoopbackAddresses.freePort(hostB),
                List.of(other),
                work.resolve("certs-b"),
                "/ip4/" + hostA.getHostAddress() + "/tcp/" + routerA,
                List.of("--peer-share-deny=docker.io/library/third"));
        String urlA = "http://" + hostA.getHostAddress() + ":" + port;
        String urlB = "http://" + hostB.getHostAddress() + ":" + port;
        await().atMost(Duration.ofSeconds(30)).until(() -> status(urlB + "/readyz") == 200);

        String pubLayer = layer(urlA, "library/speglar-demo", "docker.io");
        String thirdLayer = layer(urlA, "library/third", "docker.io");
        String secretLayer = layer(urlA, "acme/secret", "registry.internal");
        // Public content flows A -> B.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<byte[]> r = get(urlB + "/v2/library/speglar-demo/blobs/" + pubLayer + "?ns=docker.io");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(r.body()).toString()).isEqualTo(pubLayer);
        });
        // A refuses to serve the private image to B (B itself knows of no credentials, so it asks).
        assertThat(get(urlB + "/v2/acme/secret/blobs/" + secretLayer + "?ns=registry.internal")
                        .statusCode())
                .isEqualTo(404);
        assertThat(metrics(a))
                .contains("speglar_peer_sharing_refused_total{direction=\"serve\",registry=\"registry.internal\"}");
        // B does not ask for what it denies; A could serve it.
        assertThat(get(urlB + "/v2/library/third/blobs/" + thirdLayer + "?ns=docker.io")
                        .statusCode())
                .isEqualTo(404);
        assertThat(metrics(b))
                .contains("speglar_peer_sharing_refused_total{direction=\"ask\",registry=\"docker.io\"} 1.0");
        assertThat(metrics(a)).doesNotContain("direction=\"serve\",registry=\"docker.io\"");
        // A still serves its own containerd everything, private included.
        assertThat(get(urlA + "/v2/acme/secret/blobs/" + secretLayer + "?ns=registry.internal")
                        .statusCode())
                .isEqualTo(200);
    }

    private Agent start(
            InetAddress host,
            int port,
            int routerPort,
            List<Path> layouts,
            Path certs,
            String bootstrap,
            List<String> extra)
            throws Exception {
        String h = host.getHostAddress();
        List<String> args = new ArrayList<>(List.of(
                "--registry-addr=" + h + ":" + port,
                "--metrics-addr=" + h + ":0",
                "--router-addr=" + h + ":" + routerPort,
                "--store=oci-layout",
                "--oci-layout-dir="
                        + String.join(",", layouts.stream().map(Path::toString).toList()),
                "--bootstrap-kind=static",
                "--static-bootstrap-peers=" + bootstrap,
                "--verify-containerd-config=false",
                "--containerd-registry-config-path=" + certs,
                "--mirror-resolve-timeout=200ms",
                "--basic-auth-dir=" + certs.resolve("no-auth")));
        args.addAll(extra);
        RegistryCommand cmd = new RegistryCommand();
        new picocli.CommandLine(cmd)
                .registerConverter(Duration.class, new dev.speglar.agent.cli.GoDuration())
                .parseArgs(args.toArray(String[]::new));
        Agent agent = Agent.start(cmd.config(), cmd.extendedOptions());
        open.add(agent);
        return agent;
    }

    private String layer(String url, String repo, String ns) throws Exception {
        String manifest =
                new String(get(url + "/v2/" + repo + "/manifests/1.0?ns=" + ns).body());
        Matcher m = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                .matcher(manifest);
        assertThat(m.find()).as(manifest).isTrue();
        return m.group(1);
    }

    private String metrics(Agent agent) throws Exception {
        return new String(get("http://" + agent.metricsAddress().getAddress().getHostAddress() + ":"
                        + agent.metricsAddress().getPort() + "/metrics")
                .body());
    }

    private int status(String url) {
        try {
            return get(url).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}

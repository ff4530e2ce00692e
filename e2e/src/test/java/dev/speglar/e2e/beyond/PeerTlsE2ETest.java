package dev.speglar.e2e.beyond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.Agent;
import dev.speglar.agent.ExtendedOptions;
import dev.speglar.agent.Main;
import dev.speglar.agent.cli.RegistryCommand;
import dev.speglar.oci.Digest;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two agents with --peer-tls-dir (certificates made by the openssl CLI): B fetches A's layer over mutual TLS, also
 * for several clients at once; a client without a valid certificate, or speaking plain HTTP from another address, gets nothing; rotated certificates
 * apply without a restart.
 */
@Tag("real")
class PeerTlsE2ETest {
    private static final InetAddress OUTSIDER = InetAddress.ofLiteral("127.0.0.77");
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void agentsTalkMutualTlsAndNothingElseGetsIn() throws Exception {
        Path work = TempDirs.create("peer-tls");
        TestCa ca = TestCa.create(work.resolve("ca"), "speglar-test-ca");
        TestCa otherCa = TestCa.create(work.resolve("other-ca"), "someone-else");
        Path tlsA = ca.issue(work.resolve("a"), "agent-a");
        Path tlsB = ca.issue(work.resolve("b"), "agent-b");
        Path client = ca.issue(work.resolve("client"), "operator");
        Path stranger = otherCa.issue(work.resolve("stranger"), "stranger");

        Path layoutA = work.resolve("layout-a");
        Path layoutB = work.resolve("layout-b");
        assertThat(Main.run("demo-image", "--out", layoutA.toString(), "--layer-size", "300000"))
                .isZero();
        assertThat(Main.run(
                        "demo-image",
                        "--out",
                        layoutB.toString(),
                        "--layer-size",
                        "1000",
                        "--name",
                        "docker.io/library/other:1.0"))
                .isZero();
        InetAddress hostA = LoopbackAddresses.nextAddress();
        InetAddress hostB = LoopbackAddresses.nextAddress();
        int port = LoopbackAddresses.freePort(hostA);
        int routerA = LoopbackAddresses.freePort(hostA);
        Agent a = start(hostA, port, routerA, layoutA, tlsA, "/ip4/" + hostB.getHostAddress() + "/tcp/1");
        Agent b = start(
                hostB,
                port,
                LoopbackAddresses.freePort(hostB),
                layoutB,
                tlsB,
                "/ip4/" + hostA.getHostAddress() + "/tcp/" + routerA);
        String urlA = "http://" + hostA.getHostAddress() + ":" + port;
        String urlB = "http://" + hostB.getHostAddress() + ":" + port;
        await().atMost(Duration.ofSeconds(30)).until(() -> status(urlB + "/readyz") == 200);

        // containerd's view: plain HTTP to its own node's agent, which fetches from A over mutual TLS.
        String manifest = new String(get(urlA + "/v2/library/speglar-demo/manifests/1.0?ns=docker.io")
                .body());
        Matcher layer = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                .matcher(manifest);
        assertThat(layer.find()).isTrue();
        String blobPath = "/v2/library/speglar-demo/blobs/" + layer.group(1) + "?ns=docker.io";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<byte[]> viaB = get(urlB + blobPath);
            assertThat(viaB.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(viaB.body()).toString()).isEqualTo(layer.group(1));
        });
        // Several clients at once (containerd pulls in parallel): each needs its own peer connection, most of them a
        // new
        // handshake; none may give up on a handshake in progress and fall back upstream.
        List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> wave = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            wave.add(HttpClient.newHttpClient()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create(urlB + blobPath)).build(),
                            HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (var pull : wave) {
            HttpResponse<byte[]> r = pull.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode())
                    .as(new String(r.body(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
            assertThat(Digest.sha256(r.body()).toString()).isEqualTo(layer.group(1));
        }

        InetSocketAddress addrA = new InetSocketAddress(hostA, port);
        // A certificate from the cluster CA opens the door, from any address.
        assertThat(tlsGet(addrA, TestCa.client(ca.caCert(), client), blobPath)).startsWith("HTTP/1.1 200");
        // No certificate, or one from another CA: the handshake fails, nothing is answered.
        assertThatThrownBy(() -> tlsGet(addrA, TestCa.client(ca.caCert(), null), "/v2/"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> tlsGet(addrA, TestCa.client(ca.caCert(), stranger), "/v2/"))
                .isInstanceOf(IOException.class);
        // Plain HTTP from another host: closed without a byte.
        assertThat(plainFrom(OUTSIDER, addrA, blobPath)).isEmpty();

        // Rotation: A's files now come from the other CA; within the check interval the old client is out, the new in.
        Path rotated = otherCa.issue(work.resolve("a2"), "agent-a");
        for (String f : List.of("ca.crt", "tls.key", "tls.crt")) {
            Files.copy(rotated.resolve(f), tlsA.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        await().ignoreExceptions()
                .atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(tlsGet(addrA, TestCa.client(otherCa.caCert(), stranger), "/v2/"))
                        .startsWith("HTTP/1.1 200"));
        assertThatThrownBy(() -> tlsGet(addrA, TestCa.client(ca.caCert(), client), "/v2/"))
                .isInstanceOf(IOException.class);
        a.close();
    }

    private Agent start(InetAddress host, int port, int routerPort, Path layout, Path tls, String bootstrap)
            throws Exception {
        String h = host.getHostAddress();
        Agent agent = Agent.start(
                RegistryCommand.parse(
                        "--registry-addr=" + h + ":" + port,
                        "--metrics-addr=" + h + ":0",
                        "--router-addr=" + h + ":" + routerPort,
                        "--store=oci-layout",
                        "--oci-layout-dir=" + layout,
                        "--bootstrap-kind=static",
                        "--static-bootstrap-peers=" + bootstrap,
                        "--verify-containerd-config=false",
                        "--mirror-resolve-timeout=200ms",
                        "--basic-auth-dir=" + layout.resolve("no-auth")),
                ExtendedOptions.DEFAULTS.withPeerTlsDir(tls));
        open.add(agent);
        return agent;
    }

    /** One GET over TLS (no host name check: peers are addressed by IP); the response head, or an IOException. */
    private static String tlsGet(InetSocketAddress to, SSLContext ctx, String path) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.bind(new InetSocketAddress(OUTSIDER, 0));
            s.connect(to, 5000);
            s.setSoTimeout(5000);
            s.startHandshake();
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(12);
            if (head.length == 0) {
                throw new IOException("closed without an answer");
            }
            return new String(head, StandardCharsets.US_ASCII);
        }
    }

    private static byte[] plainFrom(InetAddress source, InetSocketAddress to, String path) throws IOException {
        try (Socket s = new Socket(to.getAddress(), to.getPort(), source, 0)) {
            s.setSoTimeout(5000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            try {
                return in.readAllBytes();
            } catch (java.net.SocketException reset) {
                return new byte[0];
            }
        }
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

package dev.speglar.e2e.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.ManagedProcess;
import dev.speglar.testkit.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Upstream's e2e check, on the agent as a real process ({@code bin/speglar-agent}) serving a real containerd: the peer
 * id read from {@code /debug/web/metadata} is the same after the process is stopped (SIGTERM) and started again with
 * the same {@code --data-dir}, and different with another one.
 */
@Tag("real")
class PeerIdRestartE2ETest {
    private static final Pattern METADATA =
            Pattern.compile("\\{\"libp2p\":\\{\"id\":\"(12D3KooW[1-9A-HJ-NP-Za-km-z]+)\"}}");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void peerIdSurvivesARestartWithTheSameDataDir() throws Exception {
        Path dir = TempDirs.create("peer-id");
        try (ContainerdDaemon containerd = ContainerdDaemon.create().start()) {
            String first = runAndReadId(containerd, dir.resolve("data"), dir);
            assertThat(dir.resolve("data/private.key")).isNotEmptyFile();
            assertThat(runAndReadId(containerd, dir.resolve("data"), dir)).isEqualTo(first);
            assertThat(runAndReadId(containerd, dir.resolve("other"), dir)).isNotEqualTo(first);
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    /** Starts the agent, reads its peer id from the metrics port, and stops it with SIGTERM. */
    private String runAndReadId(ContainerdDaemon containerd, Path dataDir, Path logs) throws Exception {
        InetAddress ip = LoopbackAddresses.nextAddress();
        String host = ip.getHostAddress();
        int routerPort = LoopbackAddresses.freePort(ip);
        int metricsPort = LoopbackAddresses.freePort(ip);
        String metadata = "http://" + host + ":" + metricsPort + "/debug/web/metadata";
        try (ManagedProcess agent = ManagedProcess.start(
                "agent@" + host,
                List.of(
                        Path.of("..")
                                .toAbsolutePath()
                                .normalize()
                                .resolve("bin/speglar-agent")
                                .toString(),
                        "registry",
                        "--store=containerd",
                        "--containerd-sock=" + containerd.socket(),
                        "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
                        "--containerd-content-path=" + containerd.contentDir(),
                        "--registry-addr=" + host + ":" + LoopbackAddresses.freePort(ip),
                        "--router-addr=" + host + ":" + routerPort,
                        "--metrics-addr=" + host + ":" + metricsPort,
                        "--bootstrap-kind=static",
                        "--static-bootstrap-peers=/ip4/" + host + "/tcp/" + routerPort,
                        "--verify-containerd-config=false",
                        "--data-dir=" + dataDir),
                Map.of(),
                logs.resolve("agent-" + host + ".log"))) {
            agent.awaitReady(Duration.ofSeconds(60), () -> status(metadata) == 200);
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(metadata)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            Matcher m = METADATA.matcher(r.body());
            assertThat(m.matches()).as(r.body()).isTrue();
            return m.group(1);
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}

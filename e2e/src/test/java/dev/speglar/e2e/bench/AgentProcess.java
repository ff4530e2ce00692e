package dev.speglar.e2e.bench;

import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The agent as a real process (bin/speglar-agent), so its memory can be measured on its own. */
final class AgentProcess implements AutoCloseable {
    private final ManagedProcess process;
    final String host;
    final int registryPort;

    AgentProcess(
            Path repoRoot,
            ContainerdDaemon containerd,
            String host,
            int registryPort,
            int routerPort,
            String seed,
            Path logDir)
            throws IOException {
        this.host = host;
        this.registryPort = registryPort;
        Files.createDirectories(logDir);
        process = ManagedProcess.start(
                "agent@" + host,
                List.of(
                        repoRoot.resolve("bin/speglar-agent").toString(),
                        "registry",
                        "--store=containerd",
                        "--containerd-sock=" + containerd.socket(),
                        "--containerd-content-path=" + containerd.contentDir(),
                        "--registry-addr=" + host + ":" + registryPort,
                        "--router-addr=" + host + ":" + routerPort,
                        "--metrics-addr=" + host + ":0",
                        "--bootstrap-kind=static",
                        "--static-bootstrap-peers=" + seed,
                        "--verify-containerd-config=false",
                        "--mirror-resolve-timeout=50ms"),
                Map.of(),
                logDir.resolve("agent-" + host + ".log"));
        HttpClient http = HttpClient.newHttpClient();
        process.awaitReady(Duration.ofSeconds(60), () -> {
            try {
                return http.send(
                                        HttpRequest.newBuilder(URI.create(url() + "/livez"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    String url() {
        return "http://" + host + ":" + registryPort;
    }

    /** Resident set size in bytes, from /proc. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        process.close();
    }
}

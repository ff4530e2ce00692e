package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.testkit.ContainerdDaemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --verify-containerd-config} against real containerd daemons configured the ways that break a mirror: the
 * agent keeps serving and reports each finding on /readyz?verbose and as a metric, instead of exiting.
 */
@Tag("real")
class ContainerdConfigFindingsTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void discardedLayersAndUnsetConfigPathAreReportedWhileTheAgentServes() throws Exception {
        try (ContainerdDaemon ctd =
                ContainerdDaemon.create().criSettings(true, "").start()) {
            try (Agent agent = start(ctd, "127.0.0.51")) {
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(verbose(agent))
                                .contains("[!]discard_unpacked_layers: ")
                                .contains("[!]config_path: "));
                assertThat(metric(agent, "discard_unpacked_layers")).isEqualTo(1);
                assertThat(metric(agent, "config_path")).isEqualTo(1);
                assertThat(metric(agent, "cri_disabled")).isZero();
                assertThat(get(agent, agent.registryAddress().getPort(), "/v2/").statusCode())
                        .isEqualTo(200);
                assertThat(get(agent, agent.registryAddress().getPort(), "/livez")
                                .statusCode())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void disabledCriIsReportedWhileTheAgentServes() throws Exception {
        try (ContainerdDaemon ctd = ContainerdDaemon.create().disableCri().start()) {
            try (Agent agent = start(ctd, "127.0.0.52")) {
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(verbose(agent)).contains("[!]cri_disabled: "));
                assertThat(metric(agent, "cri_disabled")).isEqualTo(1);
                assertThat(get(agent, agent.registryAddress().getPort(), "/v2/").statusCode())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void aWellConfiguredContainerdHasNoFindings() throws Exception {
        try (ContainerdDaemon ctd = ContainerdDaemon.create().start()) {
            try (Agent agent = start(ctd, "127.0.0.53", "--containerd-registry-config-path=" + ctd.certsDir())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.store() != null);
                // The check is done once its log line is out; with no problem every gauge stays 0 and there is no [!]
                // line.
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5))
                        .untilAsserted(() -> assertThat(verbose(agent)).doesNotContain("[!]"));
                for (String p : ContainerdConfigFindings.PROBLEMS) {
                    assertThat(metric(agent, p)).as(p).isZero();
                }
            }
        }
    }

    private Agent start(ContainerdDaemon ctd, String ip, String... extra) throws Exception {
        var args = new java.util.ArrayList<>(java.util.List.of(
                "--containerd-sock=" + ctd.socket(),
                "--containerd-content-path=" + ctd.contentDir(),
                "--registry-addr=" + ip + ":0",
                "--router-addr=" + ip + ":0",
                "--metrics-addr=" + ip + ":0",
                "--bootstrap-kind=static",
                "--basic-auth-dir=" + dir.resolve("none")));
        args.addAll(java.util.List.of(extra));
        return Agent.start(DropInFlagsTest.flags(args.toArray(String[]::new)));
    }

    private String verbose(Agent agent) throws Exception {
        HttpResponse<byte[]> r = get(agent, agent.registryAddress().getPort(), "/readyz?verbose");
        assertThat(r.statusCode()).isEqualTo(200); // findings never make the node unready
        return new String(r.body());
    }

    private double metric(Agent agent, String problem) throws Exception {
        String text = new String(
                get(agent, agent.metricsAddress().getPort(), "/metrics").body());
        String prefix = "speglar_containerd_config_problem{problem=\"" + problem + "\"} ";
        return text.lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .map(l -> Double.parseDouble(l.substring(prefix.length())))
                .orElseThrow();
    }

    private HttpResponse<byte[]> get(Agent agent, int port, String path) throws Exception {
        String host = agent.registryAddress().getAddress().getHostAddress();
        return http.send(
                HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}

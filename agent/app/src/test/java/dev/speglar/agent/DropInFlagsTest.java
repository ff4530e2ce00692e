package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.agent.cli.BasicAuthFiles;
import dev.speglar.agent.cli.RegistryCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream command lines that Speglar used to refuse or read differently (issue: drop-in for upstream Spegel). */
class DropInFlagsTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** The agent's configuration from a registry command line, exactly as the CLI parses it. */
    static AgentConfig flags(String... args) {
        return RegistryCommand.parse(args);
    }

    private List<String> demoAgentArgs(String ip, String... extra) {
        assertThat(Main.run("demo-image", "--out", dir.resolve("layout").toString(), "--layer-size", "1000"))
                .isZero();
        List<String> args = new ArrayList<>(List.of(
                "--store=oci-layout",
                "--oci-layout-dir=" + dir.resolve("layout"),
                "--registry-addr=" + ip + ":0",
                "--router-addr=" + ip + ":0",
                "--metrics-addr=" + ip + ":0",
                "--basic-auth-dir=" + dir.resolve("basic-auth")));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void staticBootstrapWithoutPeersRunsAloneServesLocalContentAndIsReady() throws Exception {
        AgentConfig c =
                flags(demoAgentArgs("127.0.0.33", "--bootstrap-kind=static").toArray(String[]::new));
        try (Agent agent = Agent.start(c)) {
            String base = "http://127.0.0.33:" + agent.registryAddress().getPort();
            assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);
            assertThat(get(base + "/v2/library/speglar-demo/manifests/1.0?ns=docker.io")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(agent.router().ready()).isFalse(); // no peer: it is ready because it has none to wait for
        }
    }

    @Test
    void emptyBasicAuthFilesMeanNoAuthAsUpstream() throws Exception {
        Files.createDirectories(dir.resolve("basic-auth"));
        Files.writeString(dir.resolve("basic-auth/username"), "");
        Files.writeString(dir.resolve("basic-auth/password"), "");
        assertThat(BasicAuthFiles.load(dir.resolve("basic-auth"))).isEmpty();
        Files.writeString(dir.resolve("basic-auth/username"), "foo");
        assertThat(BasicAuthFiles.load(dir.resolve("basic-auth")).orElseThrow().userInfo())
                .isEqualTo("foo:");
        Files.writeString(dir.resolve("basic-auth/username"), "");

        AgentConfig c = flags(demoAgentArgs("127.0.0.34", "--standalone").toArray(String[]::new));
        try (Agent agent = Agent.start(c)) {
            String base = "http://127.0.0.34:" + agent.registryAddress().getPort();
            assertThat(get(base + "/v2/").statusCode()).isEqualTo(200);
            assertThat(get(base + "/v2/library/speglar-demo/manifests/1.0?ns=docker.io")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void v074HttpBootstrapPeerIsTheBaseUrlOfIdAsThatReleaseFetched() {
        AgentConfig c = flags(
                "--bootstrap-kind=http", "--http-bootstrap-addr=:5002", "--http-bootstrap-peer=http://127.0.0.35:5002");
        assertThat(c.p2p().bootstrap().httpUrl()).isEqualTo("http://127.0.0.35:5002/id");
        assertThat(Bootstraps.p2pConfig(":0", c.p2p()).bootstrap())
                .isEqualTo(new dev.speglar.p2p.BootstrapConfig.Http("http://127.0.0.35:5002/id", ":5002", null));
        assertThatThrownBy(() -> flags(
                        "--bootstrap-kind=http",
                        "--http-bootstrap-peer=http://a:1",
                        "--http-bootstrap-url=http://a:1/id"))
                .hasMessageContaining("exclude each other");
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}

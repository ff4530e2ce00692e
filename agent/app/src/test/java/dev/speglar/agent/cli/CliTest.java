package dev.speglar.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.agent.AgentConfig;
import dev.speglar.agent.Main;
import dev.speglar.p2p.host.ListenAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    @Test
    void configurationCommandWritesHostsTomlWithUpstreamFlags() throws Exception {
        int rc = Main.run(
                "configuration",
                "--log-level=WARN",
                "--containerd-registry-config-path",
                dir.toString(),
                "--mirrored-registries",
                "https://docker.io",
                "https://ghcr.io",
                "--mirror-targets",
                "http://127.0.0.9:30020",
                "--resolve-tags=false",
                "--basic-auth-dir",
                dir.resolve("none").toString());
        assertThat(rc).isZero();
        assertThat(Files.readString(dir.resolve("ghcr.io/hosts.toml")))
                .isEqualTo(
                        "server = 'https://ghcr.io'\n\n[host.'http://127.0.0.9:30020']\ncapabilities = ['pull']\ndial_timeout = '200ms'");
        assertThat(Files.exists(dir.resolve("docker.io/hosts.toml"))).isTrue();
    }

    @Test
    void configurationWithoutTargetsFailsWithoutTouchingFiles() throws Exception {
        Files.writeString(dir.resolve("orig"), "x");
        int rc = Main.run("configuration", "--containerd-registry-config-path", dir.toString());
        assertThat(rc).isEqualTo(1);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("orig");
    }

    @Test
    void registryFlagsParseLikeUpstream() {
        AgentConfig c = RegistryCommand.parse(
                "--registry-addr=127.0.0.5:5000",
                "--mirror-resolve-timeout=100ms",
                "--containerd-namespace",
                "k8s.io",
                "moby",
                "--bootstrap-kind=static",
                "--static-bootstrap-peers",
                "/ip4/127.0.0.6/tcp/5001/p2p/12D3KooWabc");
        assertThat(c.listen().registryAddr()).isEqualTo("127.0.0.5:5000");
        assertThat(c.mirror().resolveTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.store().kind()).isEqualTo(AgentConfig.StoreKind.CONTAINERD);
        assertThat(c.store().containerd().namespaces()).containsExactly("k8s.io", "moby");
        assertThat(c.store().containerd().contentPath())
                .isEqualTo(java.nio.file.Path.of("/var/lib/containerd/io.containerd.content.v1.content"));
        assertThat(c.mirror().resolveRetries()).isEqualTo(3);
        assertThat(c.serving().defaultRegistry()).isEqualTo("docker.io");
        assertThat(c.p2p().bootstrap().kind()).isEqualTo(AgentConfig.BootstrapKind.STATIC);
        assertThat(c.p2p().bootstrap().staticPeers()).hasSize(1);
        assertThat(c.store().ociLayouts()).isEmpty();
        assertThat(c.p2p().bootstrap().httpCertDir()).isNull();
        assertThat(c.p2p().dht()).isEqualTo(AgentConfig.DhtTimeouts.DEFAULTS);
    }

    @Test
    void dhtTimeoutFlagsReachTheP2pConfig() {
        AgentConfig c = RegistryCommand.parse(
                "--bootstrap-kind=dns",
                "--dns-bootstrap-domain=speglar.example",
                "--dht-lookup-timeout=5s",
                "--dht-request-timeout=1500ms",
                "--dht-lookup-refresh-after=1s");
        assertThat(c.p2p().dht())
                .isEqualTo(new AgentConfig.DhtTimeouts(
                        Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofSeconds(1)));
        var p2p = dev.speglar.agent.Bootstraps.p2pConfig(c.listen().routerAddr(), c.p2p());
        assertThat(p2p.lookupTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p2p.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(p2p.lookupRefreshAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> RegistryCommand.parse("--standalone", "--dht-request-timeout=0"))
                .hasMessageContaining("--dht-request-timeout must be a positive duration");
    }

    @Test
    void routerPerSourceCapReachesTheP2pConfig() {
        RegistryCommand cmd = new RegistryCommand();
        new picocli.CommandLine(cmd)
                .registerConverter(Duration.class, new GoDuration())
                .parseArgs("--bootstrap-kind=static", "--router-max-connections-per-source=4");
        var p2p = dev.speglar.agent.Bootstraps.p2pConfig(":0", cmd.config().p2p(), cmd.extendedOptions());
        assertThat(p2p.maxInboundPerSource()).isEqualTo(4);
        RegistryCommand defaults = new RegistryCommand();
        new picocli.CommandLine(defaults)
                .registerConverter(Duration.class, new GoDuration())
                .parseArgs("--standalone");
        assertThat(defaults.extendedOptions().routerMaxConnectionsPerSource()).isEqualTo(32);
        RegistryCommand zero = new RegistryCommand();
        new picocli.CommandLine(zero)
                .registerConverter(Duration.class, new GoDuration())
                .parseArgs("--standalone", "--router-max-connections-per-source=0");
        assertThatThrownBy(zero::extendedOptions).hasMessageContaining("--router-max-connections-per-source");
    }

    @Test
    void enumFlagsRejectUnknownValuesAndNameTheChoices() {
        assertThatThrownBy(() -> RegistryCommand.parse("--standalone", "--store=redis"))
                .hasMessageContaining("containerd or oci-layout");
        assertThatThrownBy(() -> RegistryCommand.parse("--bootstrap-kind=mdns"))
                .hasMessageContaining("static, dns or http");
        assertThat(RegistryCommand.parse("--store=oci-layout", "--oci-layout-dir=/x", "--standalone")
                        .store()
                        .kind())
                .isEqualTo(AgentConfig.StoreKind.OCI_LAYOUT);
    }

    @Test
    void httpBootstrapFlagsReachTheP2pConfig() {
        AgentConfig c = RegistryCommand.parse(
                "--bootstrap-kind=http",
                "--http-bootstrap-url=https://127.0.0.7:8443/id",
                "--http-bootstrap-cert-dir=/etc/speglar/bootstrap-tls");
        assertThat(c.p2p().bootstrap().httpCertDir()).isEqualTo(java.nio.file.Path.of("/etc/speglar/bootstrap-tls"));
    }

    @Test
    void missingBootstrapKindIsAClearError() {
        assertThatThrownBy(() -> RegistryCommand.parse()).hasMessageContaining("--bootstrap-kind static|dns|http");
    }

    @Test
    void goDurations() {
        assertThat(GoDuration.parse("20ms")).isEqualTo(Duration.ofMillis(20));
        assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        for (String bad : List.of("", "10", "ms", "5x", "1s2")) {
            assertThatThrownBy(() -> GoDuration.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void listenAddresses() {
        assertThat(ListenAddress.parse(":5000").getPort()).isEqualTo(5000);
        assertThat(ListenAddress.parse("127.0.0.5:5001").getHostString()).isEqualTo("127.0.0.5");
        assertThat(ListenAddress.parse("[::1]:5001").getAddress().getHostAddress())
                .isEqualTo("0:0:0:0:0:0:0:1");
        assertThatThrownBy(() -> ListenAddress.parse("5000")).hasMessageContaining("must contain a port");
    }
}

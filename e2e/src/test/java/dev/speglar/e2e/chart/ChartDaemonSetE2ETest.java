package dev.speglar.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Digest;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.ManagedProcess;
import dev.speglar.testkit.TestImages;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 acceptance: the agent run exactly as upstream's chart (charts/spegel v0.7.4) runs it, on three emulated
 * nodes with private containerd daemons, through install, use and uninstall, checking what upstream's Kubernetes
 * end-to-end test checks (its steps in brackets). Deliberate difference: upstream's agent exits when containerd
 * restarts and kubelet restarts it (step 14); Speglar reconnects, which is checked instead.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartDaemonSetE2ETest {
    private static final String BOOTSTRAP_SERVICE = "spegel-bootstrap.spegel.svc.cluster.local.";
    private static final String CLEANUP_SERVICE = "spegel-cleanup.spegel.svc.cluster.local.";
    private static final Map<String, String> VOLUME_TYPES =
            Map.of("containerd-sock", "Socket", "containerd-content", "Directory");
    private final ChartFixture chart = ChartFixture.load("/chart/spegel-v0.7.4.yaml");
    private final List<ChartNode> nodes = new ArrayList<>();
    private DistributionRegistry upstream;

    @AfterAll
    void teardown() {
        nodes.forEach(ChartNode::close);
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void installUseAndUninstallAsTheChartDoes(@TempDir Path tmp) throws Exception {
        assertThat(Path.of("/etc/secrets/basic-auth"))
                .as("the chart mounts no basic-auth secret here")
                .doesNotExist();
        upstream = DistributionRegistry.create().start();
        ImageFixture image = TestImages.shared().pushTo(upstream).test();
        String ref = image.reference(upstream.hostPort());

        // Three nodes; one set of ports for the whole cluster, as the chart's are fixed.
        List<InetAddress> ips =
                Stream.generate(LoopbackAddresses::nextAddress).limit(3).toList();
        int registry = LoopbackAddresses.freePort(ips.getFirst());
        Map<Integer, Integer> ports = Map.of(
                5000,
                registry,
                30020,
                registry,
                30021,
                LoopbackAddresses.freePort(ips.getFirst()),
                5001,
                LoopbackAddresses.freePort(ips.getFirst()),
                9090,
                LoopbackAddresses.freePort(ips.getFirst()),
                8080,
                LoopbackAddresses.freePort(ips.getFirst()));
        Path hosts = tmp.resolve("hosts");
        StringBuilder dns = new StringBuilder();
        for (InetAddress ip : ips) {
            dns.append(ip.getHostAddress())
                    .append(' ')
                    .append(BOOTSTRAP_SERVICE)
                    .append(' ')
                    .append(CLEANUP_SERVICE)
                    .append('\n');
        }
        Files.writeString(hosts, dns);
        for (int i = 0; i < ips.size(); i++) {
            nodes.add(new ChartNode("node" + i, ips.get(i), ports, hosts));
        }
        ChartNode n0 = nodes.get(0);
        ChartNode n1 = nodes.get(1);
        ChartNode n2 = nodes.get(2);

        // [5] a node's own mirror configuration from before the install
        Path custom = n0.containerd.certsDir().resolve(upstream.hostPort() + "/hosts.toml");
        Files.createDirectories(custom.getParent());
        String customToml = "server = 'http://" + upstream.hostPort() + "'\n\n[host.'http://" + upstream.hostPort()
                + "']\n  capabilities = ['pull', 'resolve']\n";
        Files.writeString(custom, customToml);

        // [3] install: configuration init container, then the registry container, on every node
        ChartFixture.Workload ds = chart.workload("spegel");
        List<ManagedProcess> registries = new ArrayList<>();
        for (ChartNode n : nodes) {
            n.runInit(ds, ds.initContainers().getFirst(), VOLUME_TYPES);
            registries.add(n.start(ds, ds.container("registry"), VOLUME_TYPES));
        }
        assertThat(Files.readString(n1.containerd.certsDir().resolve("_default/hosts.toml")))
                .isEqualTo("[host.'http://" + n1.host() + ":" + registry + "']\ncapabilities = ['pull', 'resolve']\n"
                        + "dial_timeout = '200ms'\n\n[host.'http://" + n1.host() + ":" + ports.get(30021) + "']\n"
                        + "capabilities = ['pull', 'resolve']\ndial_timeout = '200ms'");
        // startup probe: /readyz every 3 s, 60 failures allowed; DNS bootstrap through the headless service
        ChartFixture.Probe startup = ds.container("registry").startupProbe().orElseThrow();
        assertThat(startup.port()).isEqualTo("registry");
        for (int i = 0; i < nodes.size(); i++) {
            ChartNode n = nodes.get(i);
            registries
                    .get(i)
                    .awaitReady(
                            Duration.ofSeconds((long) startup.periodSeconds() * startup.failureThreshold()),
                            () -> n.probe(5000, startup.path()) == 200);
        }

        // [8] the original file moved to _backup byte for byte
        assertThat(custom).doesNotExist();
        assertThat(Files.readString(n0.containerd.certsDir().resolve("_backup/" + upstream.hostPort() + "/hosts.toml")))
                .isEqualTo(customToml);

        // [4, 6] node 0 pulls from upstream (its mirror has nothing yet) and advertises the image
        assertThat(n0.pull(ref).ok()).isTrue();
        // [7] upstream blocked
        upstream.stop();
        try {
            // [9] pull conformance against node 1's agent, which lacks the content: every answer comes from node 0
            String ns = "?ns=" + upstream.hostPort();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> n1.get(5000, "/v2/" + image.repository() + "/manifests/" + image.tag() + ns, "HEAD")
                                    .statusCode()
                            == 200);
            var byTag = n1.get(5000, "/v2/" + image.repository() + "/manifests/" + image.tag() + ns, "GET");
            assertThat(byTag.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(byTag.body()).toString())
                    .isEqualTo(image.manifest().digest());
            assertThat(byTag.headers().firstValue("Docker-Content-Digest"))
                    .hasValue(image.manifest().digest());
            for (BlobInfo b : image.allBlobs().subList(1, image.allBlobs().size())) { // config and layers
                var blob = n1.get(5000, "/v2/" + image.repository() + "/blobs/" + b.digest() + ns, "GET");
                assertThat(blob.statusCode()).as(b.toString()).isEqualTo(200);
                assertThat(Digest.sha256(blob.body()).toString()).isEqualTo(b.digest());
            }

            // [10] peer id survives a restart (data dir on the node), read from /debug/web/metadata as upstream does
            String before = metadataPeerId(n2);
            assertThat(before).isEqualTo(peerId(registries.get(2)));
            registries.get(2).stop(Duration.ofSeconds(30));
            // [11] a terminated agent exits 0
            assertThat(registries.get(2).exitValue()).isZero();
            ManagedProcess restarted = n2.start(ds, ds.container("registry"), VOLUME_TYPES);
            restarted.awaitReady(Duration.ofSeconds(60), () -> n2.probe(5000, "/readyz") == 200);
            // the metrics port opens just after the registry port, which the probe watches
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(metadataPeerId(n2)).isEqualTo(before));
            registries.set(2, restarted);

            // [12] node 1 pulls through containerd with upstream down; a missing image fails fast
            var pulled = n1.pull(ref);
            assertThat(pulled.ok()).as(pulled.stderr()).isTrue();
            assertThat(n1.containerd.imageDigest(ref)).contains(image.manifest().digest());
            long start = System.nanoTime();
            var missing = n1.pull(upstream.hostPort() + "/library/absent:1.0");
            assertThat(missing.ok()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

            // [14] containerd restarts under node 0's agent: it keeps running and serving
            n0.containerd.restart();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> n0.get(5000, "/v2/" + image.repository() + "/manifests/" + image.tag() + ns, "HEAD")
                                    .statusCode()
                            == 200);
            // [13] no agent restarted or died
            assertThat(registries).allMatch(ManagedProcess::isAlive);
        } finally {
            upstream.start();
        }

        // [16] uninstall: agents terminate with 0, then the post-delete hooks restore every node
        for (ManagedProcess p : registries) {
            p.stop(Duration.ofSeconds(30));
            assertThat(p.exitValue()).isZero();
        }
        ChartFixture.Workload cleanup = chart.workload("spegel-cleanup");
        ChartFixture.Container cleanupContainer = cleanup.container("cleanup");
        ChartFixture.Probe readiness = cleanupContainer.readinessProbe().orElseThrow();
        int readinessPort = cleanupContainer.ports().get(readiness.port()).containerPort();
        List<ManagedProcess> cleaners = new ArrayList<>();
        for (ChartNode n : nodes) {
            ManagedProcess c = n.start(cleanup, cleanupContainer, VOLUME_TYPES);
            c.awaitReady(Duration.ofSeconds(60), () -> n.probe(readinessPort, readiness.path()) == 200);
            cleaners.add(c);
        }
        ChartFixture.Workload hook = chart.workload("spegel-cleanup-wait");
        ManagedProcess wait = n0.start(hook, hook.container("cleanup-wait"), VOLUME_TYPES);
        assertThat(wait.awaitExit(Duration.ofSeconds(60)))
                .as(wait.logTail(3000))
                .isZero();
        assertThat(wait.logText()).contains("probe threshold reached", "exit gracefully");
        for (ManagedProcess c : cleaners) {
            c.stop(Duration.ofSeconds(30));
            assertThat(c.exitValue()).isZero();
        }
        assertThat(Files.readString(custom)).isEqualTo(customToml);
        try (var left = Files.list(n0.containerd.certsDir())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(upstream.hostPort());
        }
        for (ChartNode n : List.of(n1, n2)) {
            try (var left = Files.list(n.containerd.certsDir())) {
                assertThat(left).isEmpty();
            }
        }
        // JSON logs with upstream's source object, and the final line of a graceful exit
        assertThat(registries.get(0).logText()).contains("\"source\":{\"function\":", "\"msg\":\"exit gracefully\"");
    }

    /** {@code GET /debug/web/metadata} on the metrics port: {@code {"libp2p":{"id":"…"}}}. */
    private static String metadataPeerId(ChartNode n) throws Exception {
        var r = n.get(9090, "/debug/web/metadata", "GET");
        assertThat(r.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("\\{\"libp2p\":\\{\"id\":\"([^\"]+)\"}}").matcher(new String(r.body()).strip());
        assertThat(m.matches()).as(new String(r.body())).isTrue();
        return m.group(1);
    }

    /** The agent's peer id from its start-up line. */
    private static String peerId(ManagedProcess p) {
        await().atMost(Duration.ofSeconds(30)).until(() -> p.logText().contains("\"msg\":\"running Speglar\""));
        Matcher m = Pattern.compile("\"msg\":\"running Speglar\".*?\"peer\":\"([^\"]+)\"")
                .matcher(p.logText());
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertThat(last).isNotBlank();
        return last;
    }
}

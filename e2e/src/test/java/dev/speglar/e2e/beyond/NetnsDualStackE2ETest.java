package dev.speglar.e2e.beyond;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.BlobInfo;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.NetNamespaces;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Dual-stack on real interfaces: network namespaces on one bridge, addresses from 10.90.0.0/24 and the ULA prefix
 * fd00:5a::/64. Node A is dual-stack (registry on ":5000", one dual-stack socket; router on both families) and holds
 * an image; node B has only an IPv6 address, node C only an IPv4 one. Each joins A over its own family, and real
 * containerd (ctr pull in the node's namespace, through its agent as hosts.toml mirror) gets the image from A while
 * the upstream registry is stopped. B and C cannot reach each other at all: content between them passes through a
 * dual-stack node such as A.
 */
@Tag("real")
class NetnsDualStackE2ETest {
    private static final String REPO = "library/dual";

    @Test
    void ipv6OnlyAndIpv4OnlyNodesPullFromADualStackNode() throws Exception {
        OciLayout layout = OciLayout.init(TempDirs.create("netns-dual").resolve("layout"));
        ImageFixture image = BigImages.generate(layout, REPO, "1.0", 2, 256 * 1024, 41);
        try (NetNamespaces net = NetNamespaces.create();
                DistributionRegistry upstream = DistributionRegistry.create().start();
                ContainerdDaemon a = ContainerdDaemon.create().start();
                ContainerdDaemon b = ContainerdDaemon.create().start();
                ContainerdDaemon c = ContainerdDaemon.create().start()) {
            String nsA = net.node("a", "10.90.0.10/24", "fd00:5a::a/64");
            String nsB = net.node("b", "fd00:5a::b/64");
            String nsC = net.node("c", "10.90.0.12/24");
            // containerd 1.6's TOML parser rejects "[host.\"http://[fd00:5a::b]:5000\"]" (any ']' in a table key,
            // escaped or not), so B's hosts.toml names its agent by a name that resolves to its IPv6 address.
            net.hosts(nsB, "fd00:5a::b node-b.speglar.test");
            String ref = image.reference(upstream.hostPort());
            TestImages.push(layout, "1.0", ref, false);
            a.writeHostsToml(upstream.hostPort(), "server = \"" + upstream.url() + "\"\n");
            a.ctr("images", "pull", "--hosts-dir", a.certsDir().toString(), ref);
            upstream.stop();

            try (AgentJvm agentA = new AgentJvm(
                            nsA,
                            "agent-a",
                            ":5000",
                            "127.0.0.1:9090",
                            flags(a, "10.90.0.10:5001,[fd00:5a::a]:5001", List.of()));
                    AgentJvm agentB = new AgentJvm(
                            nsB,
                            "agent-b",
                            "[fd00:5a::b]:5000",
                            "[::1]:9090",
                            flags(b, "[fd00:5a::b]:5001", List.of("/ip6/fd00:5a::a/tcp/5001")));
                    AgentJvm agentC = new AgentJvm(
                            nsC,
                            "agent-c",
                            "10.90.0.12:5000",
                            "127.0.0.1:9090",
                            flags(c, "10.90.0.12:5001", List.of("/ip4/10.90.0.10/tcp/5001")))) {
                // B has no IPv4 address and C no IPv6 one: neither can reach the other.
                assertThat(NetNamespaces.run(
                                        nsB,
                                        Duration.ofSeconds(10),
                                        "curl",
                                        "-s",
                                        "-m",
                                        "2",
                                        "http://10.90.0.12:5000/v2/")
                                .ok())
                        .isFalse();
                assertThat(NetNamespaces.run(
                                        nsA,
                                        Duration.ofSeconds(10),
                                        "curl",
                                        "-sf",
                                        "-m",
                                        "2",
                                        "http://[fd00:5a::a]:5000/v2/")
                                .ok())
                        .as("A's \":5000\" socket answers on IPv6 as well as IPv4")
                        .isTrue();
                pullThroughAgent(nsB, b, "http://node-b.speglar.test:5000", upstream, ref, image);
                pullThroughAgent(nsC, c, "http://10.90.0.12:5000", upstream, ref, image);
                assertThat(agentA.logTail()).doesNotContain("\"level\":\"ERROR\"");
            }
        }
    }

    private static List<String> flags(ContainerdDaemon d, String routerAddr, List<String> peers) {
        return List.of(
                "--store=containerd",
                "--containerd-sock=" + d.socket(),
                "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
                "--containerd-content-path=" + d.contentDir(),
                "--router-addr=" + routerAddr,
                "--bootstrap-kind=static",
                "--static-bootstrap-peers=" + String.join(",", peers),
                "--mirror-resolve-timeout=2s",
                "--lone-node-ready=true");
    }

    /** ctr pull inside {@code ns}, hosts.toml naming only the node's agent (upstream is stopped anyway). */
    private static void pullThroughAgent(
            String ns, ContainerdDaemon d, String mirror, DistributionRegistry upstream, String ref, ImageFixture image)
            throws Exception {
        d.writeHostsToml(upstream.hostPort(), """
                server = "%s"
                [host."%s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(upstream.url(), mirror));
        Exec.Result pull = NetNamespaces.run(
                ns,
                Duration.ofSeconds(120),
                "ctr",
                "-a",
                d.socket().toString(),
                "-n",
                ContainerdDaemon.NAMESPACE,
                "images",
                "pull",
                "--hosts-dir",
                d.certsDir().toString(),
                ref);
        assertThat(pull.ok()).as(pull.stdout() + pull.stderr()).isTrue();
        assertThat(d.imageDigest(ref)).hasValue(image.manifest().digest());
        for (BlobInfo blob : image.allBlobs()) {
            assertThat(Files.mismatch(d.contentBlob(blob.digest()), image.file(blob)))
                    .as(blob.digest())
                    .isEqualTo(-1);
        }
    }
}

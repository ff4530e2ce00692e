package dev.speglar.installer.install.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.Main;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install --mode daemonset --kubeconfig ...} against fabric8's mock API server (CRUD mode), on a node whose
 * containerd config is already right, so only hosts.toml and the DaemonSet change and nothing restarts.
 */
@Tag("real")
@EnableKubernetesMockClient(crud = true)
class DaemonSetInstallCliTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path root;

    @TempDir
    Path scratch;

    Path kubeconfig;

    @BeforeEach
    void setUp() throws Exception {
        serverReports("v1.31.4-eks-1234abc");
        Path config = root.resolve("etc/containerd/config.toml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".registry]
                  config_path = "/etc/containerd/certs.d"
                """);
        kubeconfig = Files.writeString(scratch.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: u
                  user: {token: t}
                contexts:
                - name: c
                  context: {cluster: mock, user: u}
                current-context: c
                """.formatted(client.getMasterUrl()));
    }

    private void serverReports(String gitVersion) {
        server.setVersionInfo(new VersionInfo.Builder()
                .withMajor("1")
                .withMinor(gitVersion.split("\\.")[1])
                .withGitVersion(gitVersion)
                .build());
    }

    private String[] args(String... first) {
        List<String> a = new ArrayList<>(List.of(first));
        a.addAll(List.of(
                "--host-root",
                root.toString(),
                "--containerd-version",
                "1.6.20",
                "--mode",
                "daemonset",
                "--kubeconfig",
                kubeconfig.toString(),
                "--image",
                "ghcr.io/speglar/agent:0.1",
                "--agent-arg=--bootstrap-kind=dns",
                "--node-ip",
                "10.0.0.5",
                "--restart-command",
                "false"));
        return a.toArray(String[]::new);
    }

    private String run(int expectedCode, String... first) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args(first), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(out + "\n" + err).isEqualTo(expectedCode);
        return out.toString();
    }

    private DaemonSet live() {
        return client.apps()
                .daemonSets()
                .inNamespace("speglar")
                .withName("speglar")
                .get();
    }

    @Test
    void appliesDaemonSetOnceAndUninstallRemovesIt() throws Exception {
        String plan = run(0, "plan");
        assertThat(plan)
                .contains(
                        "create Namespace speglar",
                        "create DaemonSet speglar/speglar (image ghcr.io/speglar/agent:0.1) on Kubernetes 1.31",
                        "create Service speglar/speglar-bootstrap",
                        "create Service speglar/speglar-registry",
                        "containerd restart: not required");
        assertThat(live()).isNull();

        String install = run(0, "install", "--yes");
        assertThat(install).contains("start agent: ok", "Installed.").doesNotContain("restart containerd");
        assertThat(live().getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("ghcr.io/speglar/agent:0.1");
        assertThat(root.resolve("etc/containerd/certs.d/_default/hosts.toml"))
                .hasContent(
                        "[host.'http://10.0.0.5:30020']\ncapabilities = ['pull', 'resolve']\ndial_timeout = '200ms'");

        assertThat(client.services().inNamespace("speglar").list().getItems())
                .extracting(svc -> svc.getMetadata().getName())
                .containsExactlyInAnyOrder("speglar", "speglar-registry", "speglar-bootstrap");

        assertThat(run(0, "install", "--yes")).contains("Nothing to change");

        run(0, "uninstall", "--yes");
        assertThat(live()).isNull();
        assertThat(client.services().inNamespace("speglar").list().getItems()).isEmpty();
        assertThat(client.namespaces().withName("speglar").get()).isNull();
        try (var s = Files.walk(root)) {
            // Only the tmpfs lock file (see InstallLock) outlasts the runs.
            assertThat(s.map(p -> root.relativize(p).toString()).toList())
                    .containsExactlyInAnyOrder(
                            "",
                            "etc",
                            "etc/containerd",
                            "etc/containerd/config.toml",
                            "run",
                            "run/speglar-installer.lock");
        }
    }

    @Test
    void refusesAnApiServerOlderThanTheCheckedManifestsBeforeWritingAnything() {
        serverReports("v1.28.15");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Main.run(args("install", "--yes"), new PrintWriter(out), new PrintWriter(err));

        assertThat(code).as(out + "\n" + err).isEqualTo(3);
        assertThat(err.toString()).contains("reports Kubernetes v1.28.15", "older than the oldest version");
        assertThat(live()).isNull();
        assertThat(client.namespaces().withName("speglar").get()).isNull();
        assertThat(root.resolve("etc/containerd/certs.d")).doesNotExist();
    }

    @Test
    void selinuxEnforcingNodeGetsTheContainerSelinuxPrivilegedType() throws Exception {
        Path enforce = root.resolve("sys/fs/selinux/enforce");
        Files.createDirectories(enforce.getParent());
        Files.writeString(enforce, "1");

        run(0, "install", "--yes");

        assertThat(live().getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getSeLinuxOptions()
                        .getType())
                .isEqualTo("spc_t");
        run(0, "uninstall", "--yes");
    }
}

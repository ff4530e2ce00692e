package dev.speglar.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Digest;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.Dockerd;
import dev.speglar.testkit.Exec;
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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The agent's OCI image built by {@code ./mvnw -Ppackages package} (packaging/oci-image.sh: the packaged agent on an
 * empty root, no Docker engine) is imported from its tarball into a real containerd and run with runc exactly as
 * upstream's Helm chart runs it: read-only root filesystem and no writable mount at all but the data dir (no /tmp).
 * The same image also goes through a real registry and {@code docker load}.
 */
@Tag("real")
@Tag("packages")
class AgentImageE2ETest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void imageBuiltWithoutDockerRunsUnderContainerdWithAReadOnlyRootAndNoTmp() throws Exception {
        Path packages = Path.of(System.getProperty("speglar.packages.dir"));
        Path layout = packages.resolve("oci");
        String version = tagOf(layout);
        Path work = TempDirs.create("image");
        try (DistributionRegistry registry = DistributionRegistry.create().start();
                ContainerdDaemon containerd = ContainerdDaemon.create().start()) {
            // The tarball as an operator would side-load it onto a node.
            String imported = "docker.io/speglar/speglar-agent:" + version;
            containerd.ctr(
                    "images",
                    "import",
                    "--base-name",
                    "docker.io/speglar/speglar-agent",
                    packages.resolve("speglar-agent-oci.tar").toString());
            assertThat(containerd.imageNames()).contains(imported);
            // ... and through a registry, as a cluster pulls it (skopeo copy is the documented push).
            String ref = registry.hostPort() + "/speglar/speglar-agent:" + version;
            Exec.run(
                            Duration.ofMinutes(2),
                            "skopeo",
                            "--insecure-policy",
                            "copy",
                            "--quiet",
                            "--dest-tls-verify=false",
                            "oci:" + layout + ":" + version,
                            "docker://" + ref)
                    .check();
            containerd.ctr("image", "pull", "--plain-http", ref);
            String id = "speglar-image-" + ProcessHandle.current().pid();
            // ctr replaces the whole argv when given a command: name the launcher explicitly here.
            Exec.Result run = containerd.ctrResult(
                    "run", "--rm", "--read-only", imported, id, "/opt/speglar/bin/speglar-agent", "version");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).contains("speglar version " + version);
            // The image carries libcrypto, so peer blobs are verified with OpenSSL's SHA-256, not the JDK's C1 code;
            // the
            // AOT cache maps (a stale one would warn on stderr).
            assertThat(run.stdout()).contains("sha256 openssl");
            assertThat(run.stderr()).isEmpty();
            // ... and run the image's own entrypoint + cmd (registry): without flags it must refuse with a clear
            // message.
            Exec.Result entrypoint = containerd.ctrResult("run", "--rm", "--read-only", imported, id + "-e");
            assertThat(entrypoint.exitCode()).isEqualTo(1);
            assertThat(entrypoint.stdout() + entrypoint.stderr()).contains("--bootstrap-kind static|dns|http");

            servesLikeTheDaemonSetRunsIt(containerd, imported, layout, work, id + "-ds");
            servesContainerdContentFromTheMountedSocket(
                    containerd, registry.hostPort(), ref, imported, layout, work, id + "-cd");
        } finally {
            TempDirs.deleteRecursively(work);
        }
    }

    @Test
    void dockerLoadsTheDockerArchive() throws Exception {
        Path packages = Path.of(System.getProperty("speglar.packages.dir"));
        String version = tagOf(packages.resolve("oci"));
        try (Dockerd docker = Dockerd.withMirrors().start()) {
            Exec.Result load = docker.docker(
                    "load", "-i", packages.resolve("speglar-agent-docker.tar").toString());
            assertThat(load.exitCode()).as(load.stderr()).isZero();
            assertThat(load.stdout()).contains("speglar/speglar-agent:" + version);
            Exec.Result inspect = docker.docker(
                    "image", "inspect", "--format", "{{json .Config.Entrypoint}}", "speglar/speglar-agent:" + version);
            assertThat(inspect.stdout().strip()).isEqualTo("[\"/opt/speglar/bin/speglar-agent\"]");
        }
    }

    /** The one tag of the layout: the build's version. */
    private static String tagOf(Path layout) throws Exception {
        String index = Files.readString(layout.resolve("index.json"));
        Matcher m = Pattern.compile("\"org.opencontainers.image.ref.name\":\"([^\"]+)\"")
                .matcher(index);
        assertThat(m.find()).as(index).isTrue();
        return m.group(1);
    }

    /**
     * As kubelet runs the DaemonSet's container: the image's entrypoint with the manifest's args in place of its CMD,
     * a read-only root filesystem and no other mount than the content. The agent must start, serve a manifest and a
     * blob with the right digests, and exit 0 on SIGTERM.
     */
    private void servesLikeTheDaemonSetRunsIt(
            ContainerdDaemon containerd, String ref, Path imageLayout, Path work, String id) throws Exception {
        Path content = work.resolve("content");
        assertThat(dev.speglar.agent.Main.run("demo-image", "--out", content.toString(), "--layer-size", "300000"))
                .isZero();
        InetAddress ip = LoopbackAddresses.nextAddress();
        int port = LoopbackAddresses.freePort(ip);
        List<String> argv = new ArrayList<>(entrypoint(imageLayout));
        argv.addAll(List.of(
                "registry",
                "--standalone",
                "--store=oci-layout",
                "--oci-layout-dir=/layout",
                "--registry-addr=" + ip.getHostAddress() + ":" + port,
                "--metrics-addr=" + ip.getHostAddress() + ":0"));
        List<String> ctr = new ArrayList<>(List.of(
                "run",
                "-d",
                "--net-host",
                "--read-only",
                "--mount",
                "type=bind,src=" + content + ",dst=/layout,options=rbind:ro",
                ref,
                id));
        ctr.addAll(argv);
        containerd.ctr(ctr.toArray(String[]::new));
        try {
            String base = "http://" + ip.getHostAddress() + ":" + port;
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> get(base + "/readyz").statusCode() == 200);
            HttpResponse<byte[]> manifest = get(base + "/v2/library/speglar-demo/manifests/1.0");
            assertThat(manifest.statusCode()).isEqualTo(200);
            String digest =
                    manifest.headers().firstValue("Docker-Content-Digest").orElseThrow();
            assertThat(Digest.sha256(manifest.body()).toString()).isEqualTo(digest);
            Matcher m = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                    .matcher(new String(manifest.body()));
            assertThat(m.find()).isTrue();
            HttpResponse<byte[]> layer = get(base + "/v2/library/speglar-demo/blobs/" + m.group(1));
            assertThat(layer.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(layer.body()).toString()).isEqualTo(m.group(1));
            assertThat(layer.body())
                    .hasSize(Integer.parseInt(
                            layer.headers().firstValue("Content-Length").orElseThrow()));

            containerd.ctr("task", "kill", "--signal", "SIGTERM", id);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> containerd
                            .ctr("task", "ls")
                            .lines()
                            .anyMatch(l -> l.startsWith(id + " ") && l.contains("STOPPED")));
            // ctr task delete exits with the task's status: SIGTERM is a clean shutdown, 0 as Kubernetes expects.
            assertThat(containerd.ctrResult("task", "delete", id).exitCode()).isZero();
        } finally {
            containerd.ctrResult("task", "kill", "--signal", "SIGKILL", id);
            containerd.ctrResult("task", "delete", "--force", id);
            containerd.ctrResult("container", "delete", id);
        }
    }

    /**
     * The DaemonSet's real job, as upstream's chart mounts it: the containerd socket and content directory, the data
     * dir, a read-only root and no /tmp. Netty's epoll library (gRPC's Unix socket transport) loads from the image.
     * It serves the image containerd holds (its own) by tag and digest.
     */
    private void servesContainerdContentFromTheMountedSocket(
            ContainerdDaemon containerd,
            String registryHost,
            String pulledRef,
            String ref,
            Path imageLayout,
            Path work,
            String id)
            throws Exception {
        InetAddress ip = LoopbackAddresses.nextAddress();
        int port = LoopbackAddresses.freePort(ip);
        Path data = Files.createDirectories(work.resolve("data"));
        List<String> ctr = new ArrayList<>(List.of(
                "run",
                "-d",
                "--net-host",
                "--read-only",
                "--mount",
                "type=bind,src=" + containerd.socket() + ",dst=/run/containerd/containerd.sock,options=rbind",
                "--mount",
                "type=bind,src=" + containerd.contentDir() + ",dst=/content,options=rbind:ro",
                "--mount",
                "type=bind,src=" + data + ",dst=/data,options=rbind:rw",
                ref,
                id));
        ctr.addAll(entrypoint(imageLayout));
        ctr.addAll(List.of(
                "registry",
                "--standalone",
                "--containerd-sock=/run/containerd/containerd.sock",
                "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
                "--containerd-content-path=/content",
                "--data-dir=/data",
                "--registry-addr=" + ip.getHostAddress() + ":" + port,
                "--metrics-addr=" + ip.getHostAddress() + ":0",
                "--verify-containerd-config=false"));
        containerd.ctr(ctr.toArray(String[]::new));
        try {
            String base = "http://" + ip.getHostAddress() + ":" + port;
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> get(base + "/readyz").statusCode() == 200);
            String expected = containerd.imageDigest(pulledRef).orElseThrow();
            String path = pulledRef.substring(registryHost.length() + 1).replace(":", "/manifests/");
            HttpResponse<byte[]> manifest = get(base + "/v2/" + path + "?ns=" + registryHost);
            assertThat(manifest.statusCode()).isEqualTo(200);
            assertThat(manifest.headers().firstValue("Docker-Content-Digest")).hasValue(expected);
            assertThat(Digest.sha256(manifest.body()).toString()).isEqualTo(expected);
            Matcher m = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                    .matcher(new String(manifest.body()));
            assertThat(m.find()).isTrue();
            HttpResponse<byte[]> layer =
                    get(base + "/v2/speglar/speglar-agent/blobs/" + m.group(1) + "?ns=" + registryHost);
            assertThat(layer.statusCode()).isEqualTo(200);
            assertThat(Digest.sha256(layer.body()).toString()).isEqualTo(m.group(1));
        } finally {
            containerd.ctrResult("task", "kill", "--signal", "SIGKILL", id);
            containerd.ctrResult("task", "delete", "--force", id);
            containerd.ctrResult("container", "delete", id);
        }
    }

    /** The image config's entrypoint, read back from the layout the way a runtime would use it. */
    @SuppressWarnings("unchecked")
    private static List<String> entrypoint(Path imageLayout) throws Exception {
        String config = Exec.run(
                        Duration.ofMinutes(1),
                        "skopeo",
                        "inspect",
                        "--config",
                        "oci:" + imageLayout + ":" + tagOf(imageLayout))
                .check()
                .stdout();
        Map<String, Object> cfg = (Map<String, Object>) new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(config, Map.class)
                .get("config");
        List<String> entry = (List<String>) cfg.get("Entrypoint");
        assertThat(entry).isNotEmpty();
        assertThat(entry).containsExactly("/opt/speglar/bin/speglar-agent");
        assertThat((List<String>) cfg.get("Cmd")).containsExactly("registry");
        return entry;
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}

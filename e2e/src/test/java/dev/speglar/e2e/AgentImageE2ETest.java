package dev.speglar.e2e;

import static dev.speglar.e2e.PullingNode.assertHasBlobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Digest;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.Dockerd;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.Http;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.TestImages;
import java.net.InetAddress;
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
 * upstream's Helm chart runs it: read-only root filesystem and no writable mount at all but the data dir (no /tmp),
 * against that containerd's socket, and a second containerd pulls through it. The same image also goes through a
 * real registry, and through {@code docker load} and {@code docker run --read-only} on a private dockerd.
 */
@Tag("real")
@Tag("packages")
class AgentImageE2ETest {
    private static final Duration CMD = Duration.ofMinutes(2);

    @Test
    void imageBuiltWithoutDockerRunsUnderContainerdWithAReadOnlyRootAndNoTmp() throws Exception {
        Path packages = PackagesE2ETest.packagesDir();
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
                            CMD,
                            "skopeo",
                            "--insecure-policy",
                            "copy",
                            "--quiet",
                            "--dest-tls-verify=false",
                            "oci:" + layout + ":" + version,
                            "docker://" + ref)
                    .check();
            containerd.ctr("image", "pull", "--plain-http", ref);
            assertThat(containerd.imageDigest(ref)).isEqualTo(containerd.imageDigest(imported));
            String id = "speglar-image-" + ProcessHandle.current().pid();
            // ctr replaces the whole argv when given a command: name the launcher explicitly here.
            Exec.Result run = containerd.ctrResult(
                    "run", "--rm", "--read-only", imported, id, "/opt/speglar/bin/speglar-agent", "version");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).contains("speglar version " + version);
            // The image carries libcrypto, so peer blobs are verified with OpenSSL's SHA-256, not the JDK's C1 code;
            // the AOT cache maps (a stale one would warn on stderr).
            assertThat(run.stdout()).contains("sha256 openssl");
            assertThat(run.stderr()).isEmpty();
            // ... and run the image's own entrypoint + cmd (registry): without flags it must refuse with a clear
            // message.
            Exec.Result entrypoint = containerd.ctrResult("run", "--rm", "--read-only", imported, id + "-e");
            assertThat(entrypoint.exitCode()).isEqualTo(1);
            assertThat(entrypoint.stdout() + entrypoint.stderr()).contains("--bootstrap-kind static|dns|http");

            servesLikeTheDaemonSetRunsIt(containerd, imported, layout, work, id + "-ds");

            // The node's own images: containerd pulls the test image from the registry, which then goes away, so a
            // second node can only get it through the containerised agent serving this containerd's content.
            ImageFixture test = TestImages.shared().pushTo(registry).test();
            String testRef = test.reference(registry.hostPort());
            containerd.writeHostsToml(registry.hostPort(), "server = \"" + registry.url() + "\"\n");
            containerd.ctr(
                    "images", "pull", "--hosts-dir", containerd.certsDir().toString(), testRef);
            String upstream = registry.url();
            registry.stop();
            pullsThroughTheAgentServingItsOwnContainerd(
                    containerd, upstream, testRef, test, imported, layout, work, id);
        } finally {
            TempDirs.deleteRecursively(work);
        }
    }

    @Test
    void imageCarriesTheLicensesOfWhatItBundles() throws Exception {
        Path packages = PackagesE2ETest.packagesDir();
        Path layout = packages.resolve("oci");
        Path layer = layerOf(layout);
        List<String> files = Exec.check(CMD, "tar", "-tzf", layer.toString())
                .lines()
                .map(l -> l.replaceFirst("^/", ""))
                .toList();
        assertThat(files)
                .contains(
                        "opt/speglar/lib/app/doc/LICENSE",
                        "opt/speglar/lib/app/doc/NOTICE",
                        "opt/speglar/lib/app/doc/THIRD-PARTY.txt",
                        "opt/speglar/lib/runtime/legal/java.base/LICENSE",
                        "usr/share/doc/libc6/copyright",
                        "usr/share/doc/libssl3/copyright",
                        "usr/share/doc/libgcc-s1/copyright");
        // Only the image's own root: nothing from the build machine's temp directories, and no /tmp at all.
        assertThat(files).noneMatch(f -> f.startsWith("tmp/"));
        String license = Exec.check(CMD, "tar", "-xzOf", layer.toString(), "opt/speglar/lib/app/doc/LICENSE");
        assertThat(license)
                .isEqualTo(Files.readString(PackagesE2ETest.repositoryRoot().resolve("LICENSE")));
        String thirdParty =
                Exec.check(CMD, "tar", "-xzOf", layer.toString(), "opt/speglar/lib/app/doc/THIRD-PARTY.txt");
        // Every library on the agent's class path in the image is listed with its license.
        List<String> jars = files.stream()
                .filter(f -> f.startsWith("opt/speglar/lib/app/agent/") && f.endsWith(".jar"))
                .map(f -> f.substring(f.lastIndexOf('/') + 1))
                .filter(f -> !f.startsWith("speglar-"))
                .toList();
        assertThat(jars).hasSizeGreaterThan(20);
        assertThat(PackagesE2ETest.listedJars(thirdParty)).containsAll(jars);
        String config = Exec.check(CMD, "skopeo", "inspect", "--config", "oci:" + layout + ":" + tagOf(layout));
        assertThat(config).containsPattern("\"org.opencontainers.image.licenses\":\\s*\"Apache-2.0\"");
        // Built on this machine, for its architecture (the runtime's libjvm.so decides, packaging/oci-image.sh).
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : System.getProperty("os.arch");
        assertThat(config).containsPattern("\"architecture\":\\s*\"" + arch + "\"");
    }

    /**
     * Testcontainers would need its Docker host fixed in environment variables or a properties file before the JVM
     * starts; the private dockerd's socket is only known at run time, so the docker CLI drives it here.
     */
    @Test
    void dockerLoadsTheArchiveAndRunsItReadOnlyWithoutTmp() throws Exception {
        Path packages = PackagesE2ETest.packagesDir();
        String version = tagOf(packages.resolve("oci"));
        String image = "speglar/speglar-agent:" + version;
        Path work = TempDirs.create("docker-image");
        try (Dockerd docker = Dockerd.withMirrors().start()) {
            Exec.Result load = docker.docker(
                    "load", "-i", packages.resolve("speglar-agent-docker.tar").toString());
            assertThat(load.exitCode()).as(load.stderr()).isZero();
            assertThat(load.stdout()).contains(image);
            Exec.Result inspect = docker.docker("image", "inspect", "--format", "{{json .Config.Entrypoint}}", image);
            assertThat(inspect.stdout().strip()).isEqualTo("[\"/opt/speglar/bin/speglar-agent\"]");

            Path content = demoContent(work);
            InetAddress ip = LoopbackAddresses.nextAddress();
            int port = LoopbackAddresses.freePort(ip);
            String name = "speglar-ro-" + ProcessHandle.current().pid();
            Exec.Result started = docker.docker(
                    "run",
                    "-d",
                    "--name",
                    name,
                    "--read-only",
                    "--network",
                    "host",
                    "-v",
                    content + ":/layout:ro",
                    image,
                    "registry",
                    "--standalone",
                    "--store=oci-layout",
                    "--oci-layout-dir=/layout",
                    "--registry-addr=" + ip.getHostAddress() + ":" + port,
                    "--metrics-addr=" + ip.getHostAddress() + ":0");
            assertThat(started.exitCode()).as(started.stderr()).isZero();
            try {
                String base = "http://" + ip.getHostAddress() + ":" + port;
                await().atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(() -> Http.status(base + "/readyz") == 200);
                assertServesTheDemoImage(base);
                // As started: read-only root, no tmpfs, the one bind mount of the content.
                Exec.Result hostConfig = docker.docker(
                        "inspect",
                        "--format",
                        "{{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.Tmpfs}} {{len .Mounts}}",
                        name);
                assertThat(hostConfig.stdout().strip()).isEqualTo("true null 1");
            } finally {
                docker.docker("rm", "-f", name);
            }
        } finally {
            TempDirs.deleteRecursively(work);
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

    /** The image's single layer blob in the layout. */
    private static Path layerOf(Path layout) throws Exception {
        Matcher index = Pattern.compile("\"digest\":\"sha256:([0-9a-f]{64})\"")
                .matcher(Files.readString(layout.resolve("index.json")));
        assertThat(index.find()).isTrue();
        String manifest = Files.readString(layout.resolve("blobs/sha256/" + index.group(1)));
        Matcher layers = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"sha256:([0-9a-f]{64})\"")
                .matcher(manifest);
        assertThat(layers.find()).as(manifest).isTrue();
        return layout.resolve("blobs/sha256/" + layers.group(1));
    }

    /** An OCI layout holding library/speglar-demo:1.0, written by the agent's own demo-image command. */
    private static Path demoContent(Path work) {
        Path content = work.resolve("content");
        assertThat(dev.speglar.agent.Main.run("demo-image", "--out", content.toString(), "--layer-size", "300000"))
                .isZero();
        return content;
    }

    /** The demo image's manifest and first layer, each with the digest it is addressed by. */
    private static void assertServesTheDemoImage(String base) {
        HttpResponse<byte[]> manifest = Http.get(base + "/v2/library/speglar-demo/manifests/1.0");
        assertThat(manifest.statusCode()).isEqualTo(200);
        String digest = manifest.headers().firstValue("Docker-Content-Digest").orElseThrow();
        assertThat(Digest.sha256(manifest.body()).toString()).isEqualTo(digest);
        Matcher m = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
                .matcher(new String(manifest.body()));
        assertThat(m.find()).isTrue();
        HttpResponse<byte[]> layer = Http.get(base + "/v2/library/speglar-demo/blobs/" + m.group(1));
        assertThat(layer.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(layer.body()).toString()).isEqualTo(m.group(1));
        assertThat(layer.body())
                .hasSize(Integer.parseInt(
                        layer.headers().firstValue("Content-Length").orElseThrow()));
    }

    /**
     * As kubelet runs the DaemonSet's container: the image's entrypoint with the manifest's args in place of its CMD,
     * a read-only root filesystem and no other mount than the content. The agent must start, serve a manifest and a
     * blob with the right digests, and exit 0 on SIGTERM.
     */
    private void servesLikeTheDaemonSetRunsIt(
            ContainerdDaemon containerd, String ref, Path imageLayout, Path work, String id) throws Exception {
        Path content = demoContent(work);
        String base = startReadOnlyTask(
                containerd,
                ref,
                id,
                imageLayout,
                List.of("type=bind,src=" + content + ",dst=/layout,options=rbind:ro"),
                List.of("--store=oci-layout", "--oci-layout-dir=/layout"));
        try {
            assertServesTheDemoImage(base);

            containerd.ctr("task", "kill", "--signal", "SIGTERM", id);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> containerd
                            .ctr("task", "ls")
                            .lines()
                            .anyMatch(l -> l.startsWith(id + " ") && l.contains("STOPPED")));
            // ctr task delete exits with the task's status: SIGTERM is a clean shutdown, 0 as Kubernetes expects.
            assertThat(containerd.ctrResult("task", "delete", id).exitCode()).isZero();
        } finally {
            removeTask(containerd, id);
        }
    }

    /**
     * The DaemonSet's real job, as upstream's chart mounts it: the containerd socket and content directory, the data
     * dir, a read-only root and no /tmp (Netty's epoll library, gRPC's Unix socket transport, loads from the image).
     * The agent serves the containerd it runs in; a second containerd, whose only way to {@code upstream} is this
     * agent, pulls {@code test} through it.
     */
    private void pullsThroughTheAgentServingItsOwnContainerd(
            ContainerdDaemon containerd,
            String upstream,
            String testRef,
            ImageFixture test,
            String ref,
            Path imageLayout,
            Path work,
            String id)
            throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        String base = startReadOnlyTask(
                containerd,
                ref,
                id,
                imageLayout,
                List.of(
                        "type=bind,src=" + containerd.socket() + ",dst=/run/containerd/containerd.sock,options=rbind",
                        "type=bind,src=" + containerd.contentDir() + ",dst=/content,options=rbind:ro",
                        "type=bind,src=" + data + ",dst=/data,options=rbind:rw"),
                List.of(
                        "--containerd-sock=/run/containerd/containerd.sock",
                        "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
                        "--containerd-content-path=/content",
                        "--data-dir=/data",
                        "--verify-containerd-config=false"));
        try (ContainerdDaemon node = PullingNode.configured(upstream, base)) {
            Exec.Result pull = node.ctrResult(
                    "images", "pull", "--hosts-dir", node.certsDir().toString(), testRef);
            assertThat(pull.exitCode()).as(pull.stdout() + pull.stderr()).isZero();
            assertThat(node.imageDigest(testRef)).hasValue(test.manifest().digest());
            assertHasBlobs(node, test.allBlobs());
        } finally {
            removeTask(containerd, id);
        }
    }

    /**
     * Runs the image's entrypoint as a ctr task with the host's network, a read-only root and only {@code mounts}:
     * {@code registry --standalone} with {@code storeArgs}, on a loopback address. Returns its base URL once /readyz
     * answers 200.
     */
    private static String startReadOnlyTask(
            ContainerdDaemon containerd,
            String ref,
            String id,
            Path imageLayout,
            List<String> mounts,
            List<String> storeArgs)
            throws Exception {
        InetAddress ip = LoopbackAddresses.nextAddress();
        int port = LoopbackAddresses.freePort(ip);
        List<String> ctr = new ArrayList<>(List.of("run", "-d", "--net-host", "--read-only"));
        for (String m : mounts) ctr.addAll(List.of("--mount", m));
        ctr.addAll(List.of(ref, id));
        ctr.addAll(entrypoint(imageLayout));
        ctr.addAll(List.of("registry", "--standalone"));
        ctr.addAll(storeArgs);
        ctr.addAll(List.of(
                "--registry-addr=" + ip.getHostAddress() + ":" + port, "--metrics-addr=" + ip.getHostAddress() + ":0"));
        containerd.ctr(ctr.toArray(String[]::new));
        String base = "http://" + ip.getHostAddress() + ":" + port;
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> Http.status(base + "/readyz") == 200);
        } catch (RuntimeException | Error e) {
            removeTask(containerd, id);
            throw e;
        }
        return base;
    }

    private static void removeTask(ContainerdDaemon containerd, String id) {
        containerd.ctrResult("task", "kill", "--signal", "SIGKILL", id);
        containerd.ctrResult("task", "delete", "--force", id);
        containerd.ctrResult("container", "delete", id);
    }

    /** The image config's entrypoint, read back from the layout the way a runtime would use it. */
    @SuppressWarnings("unchecked")
    private static List<String> entrypoint(Path imageLayout) throws Exception {
        String config =
                Exec.check(CMD, "skopeo", "inspect", "--config", "oci:" + imageLayout + ":" + tagOf(imageLayout));
        Map<String, Object> cfg = (Map<String, Object>) new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(config, Map.class)
                .get("config");
        List<String> entry = (List<String>) cfg.get("Entrypoint");
        assertThat(entry).containsExactly("/opt/speglar/bin/speglar-agent");
        assertThat((List<String>) cfg.get("Cmd")).containsExactly("registry");
        return entry;
    }
}

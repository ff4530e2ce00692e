package dev.speglar.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.oci.Digest;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.TempDirs;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The agent's OCI image (packaging/oci-image.sh: jlink runtime on an empty root, built without a Docker engine) is
 * pushed to a real registry, pulled by a real containerd and run with runc: the JVM starts and the agent answers.
 */
@Tag("real")
class AgentImageE2ETest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void imageBuiltWithoutDockerRunsUnderContainerd() throws Exception {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    Path work = TempDirs.create("image");
    Path layout = work.resolve("oci");
    Exec.run(Duration.ofMinutes(5), repo.resolve("packaging/oci-image.sh").toString(), layout.toString()).check();
    try (DistributionRegistry registry = DistributionRegistry.create().start();
        ContainerdDaemon containerd = ContainerdDaemon.create().start()) {
      String ref = registry.hostPort() + "/speglar/speglar-agent:0.1.0";
      Exec.run(Duration.ofMinutes(2), "skopeo", "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false",
          "oci:" + layout + ":0.1.0", "docker://" + ref).check();
      containerd.ctr("image", "pull", "--plain-http", ref);
      String id = "speglar-image-" + ProcessHandle.current().pid();
      // ctr replaces the whole argv when given a command, so name the JVM explicitly here ...
      Exec.Result run = containerd.ctrResult("run", "--rm", ref, id, "/opt/speglar/runtime/bin/java",
          "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/speglar/speglar-agent.jar", "version");
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout()).contains("speglar version");
      // The image carries libcrypto, so peer blobs are verified with OpenSSL's SHA-256, not the JDK's C1 code.
      assertThat(run.stdout()).contains("sha256 openssl");
      // ... and run the image's own entrypoint + cmd (registry): without flags it must refuse with a clear message.
      Exec.Result entrypoint = containerd.ctrResult("run", "--rm", ref, id + "-e");
      assertThat(entrypoint.exitCode()).isEqualTo(1);
      assertThat(entrypoint.stdout() + entrypoint.stderr()).contains("--bootstrap-kind static|dns|http");

      servesLikeTheDaemonSetRunsIt(containerd, ref, layout, work, id + "-ds");
      servesContainerdContentFromTheMountedSocket(containerd, registry.hostPort(), ref, layout, id + "-cd");
    }
  }

  /**
   * As kubelet runs the DaemonSet's container: the image's entrypoint with the manifest's args in place of its CMD,
   * a read-only root filesystem and an emptyDir on /tmp. The agent must start (epoll unpacks its native library to
   * /tmp), serve a manifest and a blob with the right digests, and exit 0 on SIGTERM.
   */
  private void servesLikeTheDaemonSetRunsIt(ContainerdDaemon containerd, String ref, Path imageLayout, Path work,
      String id) throws Exception {
    Path content = work.resolve("content");
    assertThat(dev.speglar.agent.Main.run("demo-image", "--out", content.toString(), "--layer-size", "300000")).isZero();
    InetAddress ip = LoopbackAddresses.nextAddress();
    int port = LoopbackAddresses.freePort(ip);
    List<String> argv = new ArrayList<>(entrypoint(imageLayout));
    argv.addAll(List.of("registry", "--standalone", "--store=oci-layout", "--oci-layout-dir=/layout",
        "--registry-addr=" + ip.getHostAddress() + ":" + port, "--metrics-addr=" + ip.getHostAddress() + ":0"));
    List<String> ctr = new ArrayList<>(List.of("run", "-d", "--net-host", "--read-only",
        "--mount", "type=tmpfs,src=tmpfs,dst=/tmp,options=rw:nosuid:nodev",
        "--mount", "type=bind,src=" + content + ",dst=/layout,options=rbind:ro", ref, id));
    ctr.addAll(argv);
    containerd.ctr(ctr.toArray(String[]::new));
    try {
      String base = "http://" + ip.getHostAddress() + ":" + port;
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> get(base + "/readyz").statusCode() == 200);
      HttpResponse<byte[]> manifest = get(base + "/v2/library/speglar-demo/manifests/1.0");
      assertThat(manifest.statusCode()).isEqualTo(200);
      String digest = manifest.headers().firstValue("Docker-Content-Digest").orElseThrow();
      assertThat(Digest.sha256(manifest.body()).toString()).isEqualTo(digest);
      Matcher m = Pattern.compile("\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]{64})\"")
          .matcher(new String(manifest.body()));
      assertThat(m.find()).isTrue();
      HttpResponse<byte[]> layer = get(base + "/v2/library/speglar-demo/blobs/" + m.group(1));
      assertThat(layer.statusCode()).isEqualTo(200);
      assertThat(Digest.sha256(layer.body()).toString()).isEqualTo(m.group(1));
      assertThat(layer.body()).hasSize(Integer.parseInt(layer.headers().firstValue("Content-Length").orElseThrow()));

      containerd.ctr("task", "kill", "--signal", "SIGTERM", id);
      await().atMost(Duration.ofSeconds(30)).until(() -> containerd.ctr("task", "ls").lines()
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
   * The DaemonSet's real job: the containerd store over the host's socket and content directory, mounted in. With
   * /tmp (the preset's emptyDir) it serves the image containerd holds (its own); without, it exits with a message
   * that names the cause (Netty cannot unpack its epoll library, which gRPC needs for Unix sockets).
   */
  private void servesContainerdContentFromTheMountedSocket(ContainerdDaemon containerd, String registryHost,
      String ref, Path imageLayout, String id) throws Exception {
    InetAddress ip = LoopbackAddresses.nextAddress();
    int port = LoopbackAddresses.freePort(ip);
    List<String> args = new ArrayList<>(entrypoint(imageLayout));
    args.addAll(List.of("registry", "--standalone", "--containerd-sock=/run/containerd/containerd.sock",
        "--containerd-namespace=" + ContainerdDaemon.NAMESPACE, "--containerd-content-path=/content",
        "--registry-addr=" + ip.getHostAddress() + ":" + port, "--metrics-addr=" + ip.getHostAddress() + ":0",
        "--verify-containerd-config=false"));
    List<String> mounts = List.of("--mount",
        "type=bind,src=" + containerd.socket() + ",dst=/run/containerd/containerd.sock,options=rbind",
        "--mount", "type=bind,src=" + containerd.contentDir() + ",dst=/content,options=rbind:ro");

    List<String> noTmp = new ArrayList<>(List.of("run", "--rm", "--net-host", "--read-only"));
    noTmp.addAll(mounts);
    noTmp.addAll(List.of(ref, id + "-notmp"));
    noTmp.addAll(args);
    Exec.Result failed = containerd.ctrResult(noTmp.toArray(String[]::new));
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.stdout() + failed.stderr()).contains("epoll transport is unavailable", "java.io.tmpdir");

    List<String> ctr = new ArrayList<>(List.of("run", "-d", "--net-host", "--read-only",
        "--mount", "type=tmpfs,src=tmpfs,dst=/tmp,options=rw:nosuid:nodev"));
    ctr.addAll(mounts);
    ctr.addAll(List.of(ref, id));
    ctr.addAll(args);
    containerd.ctr(ctr.toArray(String[]::new));
    try {
      String base = "http://" + ip.getHostAddress() + ":" + port;
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> get(base + "/readyz").statusCode() == 200);
      String expected = containerd.ctr("image", "ls").lines().filter(l -> l.startsWith(ref + " "))
          .map(l -> l.split("\\s+")[2]).findFirst().orElseThrow();
      HttpResponse<byte[]> manifest = get(base + "/v2/speglar/speglar-agent/manifests/0.1.0?ns=" + registryHost);
      assertThat(manifest.statusCode()).isEqualTo(200);
      assertThat(manifest.headers().firstValue("Docker-Content-Digest")).hasValue(expected);
      assertThat(Digest.sha256(manifest.body()).toString()).isEqualTo(expected);
    } finally {
      containerd.ctrResult("task", "kill", "--signal", "SIGKILL", id);
      containerd.ctrResult("task", "delete", "--force", id);
      containerd.ctrResult("container", "delete", id);
    }
  }

  /** The image config's entrypoint, read back from the layout the way a runtime would use it. */
  @SuppressWarnings("unchecked")
  private static List<String> entrypoint(Path imageLayout) throws Exception {
    String config = Exec.run(Duration.ofMinutes(1), "skopeo", "inspect", "--config", "oci:" + imageLayout + ":0.1.0")
        .check().stdout();
    Map<String, Object> cfg = (Map<String, Object>) new com.fasterxml.jackson.databind.ObjectMapper().readValue(config, Map.class).get("config");
    List<String> entry = (List<String>) cfg.get("Entrypoint");
    assertThat(entry).isNotEmpty();
    assertThat(entry.getFirst()).isEqualTo("/opt/speglar/runtime/bin/java");
    assertThat((List<String>) cfg.get("Cmd")).containsExactly("registry");
    return entry;
  }

  private HttpResponse<byte[]> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}

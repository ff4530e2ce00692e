package dev.speglar.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The agent's OCI image (packaging/oci-image.sh: jlink runtime on an empty root, built without a Docker engine) is
 * pushed to a real registry, pulled by a real containerd and run with runc: the JVM starts and the agent answers.
 */
class AgentImageE2ETest {

  @Test
  void imageBuiltWithoutDockerRunsUnderContainerd() {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    Path layout = TempDirs.create("image").resolve("oci");
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
          "--enable-native-access=ALL-UNNAMED", "-jar",
          "/opt/speglar/speglar-agent.jar", "version");
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout()).contains("speglar version");
      // The image carries libcrypto, so peer blobs are verified with OpenSSL's SHA-256, not the JDK's C1 code.
      assertThat(run.stdout()).contains("sha256 openssl");
      // ... and run the image's own entrypoint + cmd (registry): without flags it must refuse with a clear message.
      Exec.Result entrypoint = containerd.ctrResult("run", "--rm", ref, id + "-e");
      assertThat(entrypoint.exitCode()).isEqualTo(1);
      assertThat(entrypoint.stdout() + entrypoint.stderr()).contains("--bootstrap-kind static|dns|http");
    }
  }
}

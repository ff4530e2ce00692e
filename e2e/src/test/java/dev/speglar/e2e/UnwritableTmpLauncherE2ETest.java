package dev.speglar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.Http;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.ManagedProcess;
import dev.speglar.testkit.TempDirs;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * bin/speglar-agent where java.io.tmpdir cannot be written (as on a read-only root without /tmp): the containerd
 * store still works, because Netty's epoll library (gRPC's Unix-socket transport) loads from java.library.path
 * (agent/app/target/native) instead of being unpacked into the temp dir.
 */
@Tag("real")
class UnwritableTmpLauncherE2ETest {

    @Test
    void launcherServesContainerdContentWhenTheTempDirIsNotWritable() throws Exception {
        SourceNode source = SourceNode.shared();
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        InetAddress ip = LoopbackAddresses.nextAddress();
        int port = LoopbackAddresses.freePort(ip);
        Path logs = TempDirs.create("tmp-launcher");
        List<String> argv = new ArrayList<>(List.of(
                repo.resolve("bin/speglar-agent").toString(),
                "registry",
                "--standalone",
                "--registry-addr=" + ip.getHostAddress() + ":" + port,
                "--metrics-addr=" + ip.getHostAddress() + ":0",
                "--verify-containerd-config=false"));
        argv.addAll(List.of(source.storeFlags()));
        String base = "http://" + ip.getHostAddress() + ":" + port;
        // /proc/self is a directory nobody can create files in: Netty's fallback (unpack to the temp dir) cannot work.
        try (ManagedProcess agent = ManagedProcess.start(
                "agent-unwritable-tmp",
                argv,
                Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=/proc/self"),
                logs.resolve("agent.log"))) {
            agent.awaitReady(Duration.ofSeconds(60), () -> Http.status(base + "/readyz") == 200);
            String ref = source.images.test().reference(source.registryHost());
            HttpResponse<byte[]> manifest =
                    Http.get(base + "/v2/library/test/manifests/1.0?ns=" + source.registryHost());
            assertThat(manifest.statusCode()).as(agent.logText()).isEqualTo(200);
            assertThat(manifest.headers().firstValue("Docker-Content-Digest"))
                    .isEqualTo(source.containerd.imageDigest(ref));
            assertThat(agent.logText())
                    .contains("-Djava.io.tmpdir=/proc/self")
                    .doesNotContain("epoll transport is unavailable");
        } finally {
            TempDirs.deleteRecursively(logs);
        }
    }
}

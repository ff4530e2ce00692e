package dev.speglar.p2p.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;
import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The standalone node in its own JVM process, found by an in-test node over real TCP. */
class P2pNodeMainTest {
    @Test
    void separateProcessAdvertisesAndIsFound() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process proc = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), P2pNodeMain.class.getName(), "127.0.0.90:0")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
                Writer in = proc.outputWriter()) {
            String id = out.readLine();
            String addr = out.readLine();
            assertThat(id).startsWith("ID 12D3KooW");
            assertThat(addr).startsWith("ADDR /ip4/127.0.0.90/tcp/").endsWith("/p2p/" + id.substring(3));
            in.write("advertise sha256:from-process\n");
            in.flush();
            assertThat(out.readLine()).isEqualTo("OK");
            try (P2pNode node = P2pNode.start(P2pConfig.builder()
                    .listenAddress("127.0.0.91:0")
                    .bootstrap(BootstrapConfig.staticPeers(List.of(addr.substring(5))))
                    .build())) {
                await().atMost(Duration.ofSeconds(30)).until(node::ready);
                try (ProviderStream s = node.lookup("sha256:from-process", 1)) {
                    assertThat(s.poll(Duration.ofSeconds(20)))
                            .map(Provider::peerId)
                            .contains(id.substring(3));
                }
                in.write("ready\n");
                in.flush();
                assertThat(out.readLine()).isEqualTo("READY true");
            }
            in.write("quit\n");
            in.flush();
            assertThat(proc.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(proc.exitValue()).isZero();
        } finally {
            proc.destroyForcibly();
        }
    }
}

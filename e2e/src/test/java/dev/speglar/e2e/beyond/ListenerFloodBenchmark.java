package dev.speglar.e2e.beyond;

import dev.speglar.agent.Main;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.TempDirs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 benchmark (not part of the test run; {@code scripts/bench-listener-flood.sh}): manifest HEAD latency on a
 * keep-alive connection and the agent's RSS, before and while 8,000 silent/half-sent connections are held open, with
 * the listener guards on (defaults) and off (upstream's behaviour), in the same run. Prints BENCH lines.
 */
@Tag("benchmark")
class ListenerFloodBenchmark {
    private static final int REQUESTS = Integer.getInteger("bench.requests", 2000);
    private static final int SOURCES = 16;
    private static final int PER_SOURCE = 500;

    @Test
    void latencyAndMemoryUnderFlood() throws Exception {
        Path layout = TempDirs.create("flood-bench");
        Main.run("demo-image", "--out", layout.toString(), "--layer-size", "100000");
        for (int run = 0; run < Integer.getInteger("bench.runs", 2); run++) {
            measure("guarded", layout, List.of());
            measure(
                    "unguarded",
                    layout,
                    List.of(
                            "--listener-header-timeout=0",
                            "--listener-idle-timeout=0",
                            "--listener-max-connections=0",
                            "--listener-max-connections-per-source=0"));
        }
    }

    private void measure(String label, Path layout, List<String> flags) throws Exception {
        InetAddress host = LoopbackAddresses.nextAddress();
        int port = LoopbackAddresses.freePort(host);
        String h = host.getHostAddress();
        List<String> all =
                new java.util.ArrayList<>(List.of("--store=oci-layout", "--oci-layout-dir=" + layout, "--standalone"));
        all.addAll(flags);
        try (AgentJvm agent = new AgentJvm(
                        "agent-" + label, h + ":" + port, h + ":" + LoopbackAddresses.freePort(host), all);
                Socket client = new Socket(host, port);
                Flood flood = new Flood()) {
            String path = "/v2/library/speglar-demo/manifests/1.0?ns=docker.io";
            latencies(client, path); // warm-up
            double[] before = latencies(client, path);
            long rssBefore = agent.rssBytes();
            for (int s = 0; s < SOURCES; s++) {
                flood.open(LoopbackAddresses.nextAddress(), new InetSocketAddress(host, port), PER_SOURCE, true);
            }
            Thread.sleep(2000); // let the agent accept the backlog (benchmark pacing, not synchronisation)
            double[] during = latencies(client, path);
            long rssDuring = agent.rssBytes();
            System.out.printf(
                    "BENCH %s: HEAD p50 %.3f / p99 %.3f ms before, p50 %.3f / p99 %.3f ms during %d held "
                            + "connections; RSS %d -> %d MiB%n",
                    label, before[0], before[1], during[0], during[1], flood.size(), rssBefore >> 20, rssDuring >> 20);
        }
    }

    private static double[] latencies(Socket client, String path) throws Exception {
        long[] nanos = new long[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            long t = System.nanoTime();
            Flood.exchange(client, "HEAD", path);
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        return new double[] {nanos[REQUESTS / 2] / 1e6, nanos[REQUESTS * 99 / 100] / 1e6};
    }
}

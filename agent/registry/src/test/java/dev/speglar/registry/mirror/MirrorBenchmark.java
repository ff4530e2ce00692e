package dev.speglar.registry.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Loopback figures for docs/benchmarks-mirror.md; not a test. Two real registry servers (seed 127.0.0.71 serving a
 * file-backed blob, leecher 127.0.0.72 with {@link PeerMirror} and Spegel's default settings), a raw keep-alive HTTP
 * client on the leecher:
 *
 * <ol>
 *   <li>peer-hit blob throughput, client → leecher → seed (digest verified while streaming), vs. client → seed;
 *   <li>latency of misses that end in 404: no provider at all, and one provider that answers 404.
 * </ol>
 *
 * <p>Args: {@code [blobMiB=256] [rounds=6] [misses=5000]}.
 */
public final class MirrorBenchmark {
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    public static void main(String[] args) throws Exception {
        // The test classpath logs every request at DEBUG; a benchmark must not measure the console.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.speglar.registry.access"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int blobMiB = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int misses = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        Path dir = Files.createTempDirectory("speglar-mirror-bench");
        // Spegel's defaults; -DraceFloorMs raises the 100 ms race floor when the machine is too loaded to answer in
        // time.
        long raceFloor = Long.getLong("raceFloorMs", 100);
        try (TwoNodes nodes = new TwoNodes(
                dir, "127.0.0.71", "127.0.0.72", b -> b.raceBudgetFloor(java.time.Duration.ofMillis(raceFloor)))) {
            byte[] blob = new byte[blobMiB << 20];
            new Random(1).nextBytes(blob);
            var d = nodes.seedStore.add(LAYER, blob);
            blob = null;
            nodes.advertise(d.digest().toString());
            String path = "/v2/library/bench/blobs/" + d.digest() + "?ns=docker.io";
            InetSocketAddress seed = nodes.seed.address();
            InetSocketAddress leecher = nodes.leecher.address();

            System.out.printf(
                    "blob %d MiB, %d rounds each (after 2 warm-up rounds); %d CPUs, loadavg %s%n",
                    blobMiB, rounds, Runtime.getRuntime().availableProcessors(), loadavg());
            throughput("client -> seed (local serve, sendfile)", seed, path, rounds, null);
            throughput("client -> leecher -> seed (peer hit, hashed)", leecher, path, rounds, null);
            // A range that is not the whole blob is not hashed: the difference is the cost of verification.
            throughput(
                    "same, Range bytes=0-(size-2), not hashed",
                    leecher,
                    path,
                    rounds,
                    "bytes=0-" + ((long) blobMiB * (1 << 20) - 2));

            var missing = dev.speglar.oci.Digest.sha256("not anywhere".getBytes(StandardCharsets.UTF_8));
            latency(
                    "miss, no provider -> 404",
                    leecher,
                    "/v2/library/bench/blobs/" + missing + "?ns=docker.io",
                    misses);
            var lost = dev.speglar.oci.Digest.sha256("advertised but lost".getBytes(StandardCharsets.UTF_8));
            nodes.advertise(lost.toString());
            latency(
                    "miss, provider answers 404 -> 404",
                    leecher,
                    "/v2/library/bench/blobs/" + lost + "?ns=docker.io",
                    misses);
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void throughput(String label, InetSocketAddress target, String path, int rounds, String range)
            throws IOException {
        double[] gbps = new double[rounds];
        byte[] buf = new byte[1 << 20];
        long bytes = 0;
        java.util.Map<Long, Long> cpu0 = null;
        try (Socket s = connect(target)) {
            InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 1 << 16);
            for (int i = -2; i < rounds; i++) {
                if (i == 0) {
                    cpu0 = threadCpu();
                }
                long t0 = System.nanoTime();
                long n;
                try {
                    n = exchange(s, in, target, path, buf, range == null ? 200 : 206, range);
                } catch (IOException e) {
                    if (i >= 0) {
                        throw e;
                    }
                    // A cold first request can miss Spegel's 100 ms race budget (class loading, JIT): warm-up only.
                    System.out.println("warm-up round " + (i + 3) + ": "
                            + e.getMessage().lines().findFirst().orElse(""));
                    continue;
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                if (i >= 0) {
                    gbps[i] = n / secs / 1e9;
                    bytes += n;
                }
            }
        }
        var cpu1 = threadCpu();
        Arrays.sort(gbps);
        System.out.printf(
                "%-48s median %.2f GB/s, best %.2f GB/s, worst %.2f GB/s%n",
                label, gbps[rounds / 2], gbps[rounds - 1], gbps[0]);
        // CPU time does not depend on how many other processes compete for the cores: it projects the ceiling of an
        // idle 2-core machine (all threads of seed, leecher and client are in this process).
        long total = 0;
        long busiest = 0;
        long busiestId = -1;
        for (var e : cpu1.entrySet()) {
            long d = e.getValue() - cpu0.getOrDefault(e.getKey(), 0L);
            total += d;
            if (d > busiest) {
                busiest = d;
                busiestId = e.getKey();
            }
        }
        var info = java.lang.management.ManagementFactory.getThreadMXBean().getThreadInfo(busiestId);
        double gb = bytes / 1e9;
        double totalPerGb = total / 1e9 / gb;
        double busiestPerGb = busiest / 1e9 / gb;
        System.out.printf(
                "%-48s CPU %.2f s/GB in all threads, %.2f s/GB in the busiest (%s) -> idle 2-core "
                        + "ceiling %.2f GB/s%n",
                "",
                totalPerGb,
                busiestPerGb,
                info == null ? "?" : info.getThreadName(),
                Math.min(2 / totalPerGb, 1 / busiestPerGb));
    }

    private static void latency(String label, InetSocketAddress target, String path, int n) throws IOException {
        long[] micros = new long[n];
        byte[] buf = new byte[4096];
        try (Socket s = connect(target)) {
            InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 1 << 16);
            for (int i = -Math.min(n, 1000); i < n; i++) {
                long t0 = System.nanoTime();
                exchange(s, in, target, path, buf, 404, null);
                long us = (System.nanoTime() - t0) / 1000;
                if (i >= 0) {
                    micros[i] = us;
                }
            }
        }
        Arrays.sort(micros);
        System.out.printf(
                "%-48s n=%d p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                label,
                n,
                micros[n / 2] / 1e3,
                micros[n * 9 / 10] / 1e3,
                micros[n * 99 / 100] / 1e3,
                micros[n - 1] / 1e3);
    }

    private static Socket connect(InetSocketAddress target) throws IOException {
        Socket s = new Socket(target.getAddress(), target.getPort());
        s.setTcpNoDelay(true);
        s.setReceiveBufferSize(4 << 20);
        return s;
    }

    /** One GET on a keep-alive connection; returns the body length after checking the status. */
    private static long exchange(
            Socket s, InputStream in, InetSocketAddress target, String path, byte[] buf, int status, String range)
            throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + target.getAddress().getHostAddress() + "\r\n"
                        + (range == null ? "" : "Range: " + range + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        long length = -1;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        long left = length;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("body cut at " + (length - left) + " of " + length);
            }
            left -= r;
        }
        if (!head.startsWith("HTTP/1.1 " + status)) {
            throw new IOException("unexpected answer: " + head); // body consumed: the connection stays usable
        }
        return length;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in head");
            }
            sb.append((char) c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1
                    : 0;
        }
        return sb.toString();
    }

    /** CPU time (user + system) of every live platform thread; virtual threads are counted on their carriers. */
    private static java.util.Map<Long, Long> threadCpu() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        var m = new java.util.HashMap<Long, Long>();
        for (long id : mx.getAllThreadIds()) {
            long t = mx.getThreadCpuTime(id);
            if (t >= 0) {
                m.put(id, t);
            }
        }
        return m;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    private MirrorBenchmark() {}
}

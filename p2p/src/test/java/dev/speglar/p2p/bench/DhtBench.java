package dev.speglar.p2p.bench;

import dev.speglar.p2p.BenchAccess;
import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;
import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

/**
 * DHT benchmark: N Java nodes in one JVM, each on its own 127.x.y.z address with real TCP + Noise + yamux.
 * Every node provides K keys, then L random lookups run three times: cold (right after the network formed, few
 * connections open), warm (fresh keys, connections now open) and cached (the warm lookups again within the 5 s
 * lookup cache). Then 10% of the nodes die without goodbye and cold/warm repeat. Each lookup asks for one provider
 * and succeeds if it is the key's owner. Not a test: run it by hand (docs/benchmarks-p2p.md).
 *
 * <p>Arguments: {@code N [keysPerNode=200] [lookups=1000] [seed=1]}.
 */
public final class DhtBench {
    private static final Duration READY_WAIT = Duration.ofMinutes(30);

    private final int n;
    private final int keysPerNode;
    private final int lookups;
    private final Random rnd;
    private final List<P2pNode> nodes = new ArrayList<>();
    private final boolean[] dead;
    private final LongAdder dhtRequests = new LongAdder();

    private DhtBench(int n, int keysPerNode, int lookups, long seed) {
        this.n = n;
        this.keysPerNode = keysPerNode;
        this.lookups = lookups;
        this.rnd = new Random(seed);
        this.dead = new boolean[n];
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        DhtBench b = new DhtBench(n, keys, lookups, seed);
        try {
            b.run();
        } finally {
            b.nodes.forEach(P2pNode::close);
        }
        System.exit(0);
    }

    static String ip(int i) {
        return "127.1." + (i / 250) + "." + (i % 250 + 1);
    }

    static String key(int node, int k) {
        return "sha256:%064x".formatted((long) node * 1_000_003L + k);
    }

    private void run() throws Exception {
        long heap0 = usedHeapAfterGc();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            List<String> boot = new ArrayList<>();
            // Each node bootstraps from up to 3 earlier nodes, like a cluster's DNS/static bootstrap list.
            for (int j = 0; j < Math.min(3, i); j++) {
                boot.add(dialAddr(nodes.get(j == 0 ? 0 : rnd.nextInt(i))));
            }
            nodes.add(P2pNode.start(P2pConfig.builder()
                    .listenAddress(ip(i) + ":0")
                    .bootstrap(boot.isEmpty() ? BootstrapConfig.none() : BootstrapConfig.staticPeers(boot))
                    .lookupTimeout(Duration.ofSeconds(10))
                    .maxConnections(Math.max(64, Math.min(n, 512)))
                    .build()));
            BenchAccess.countDhtRequests(nodes.getLast(), "/spegel/kad/1.0.0", dhtRequests);
        }
        waitUntil("all nodes ready", () -> nodes.stream().allMatch(P2pNode::ready));
        log("started %d nodes in %.1f s", n, secs(t0));

        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            List<String> ks = new ArrayList<>(keysPerNode);
            for (int k = 0; k < keysPerNode; k++) {
                ks.add(key(i, k));
            }
            nodes.get(i).advertise(ks);
        }
        // Advertising is asynchronous: wait until every node's provide queue has drained.
        long[] lastLog = {System.nanoTime()};
        waitUntil("advertising drained", () -> {
            int pending = nodes.stream().mapToInt(BenchAccess::advertisingPending).sum();
            if (System.nanoTime() - lastLog[0] > 15e9) {
                log("advertising: %d provides pending after %.0f s, %d DHT requests served", pending, secs(t1),
                        dhtRequests.sum());
                lastLog[0] = System.nanoTime();
            }
            return pending == 0;
        });
        log("advertised %d keys in %.1f s (%d DHT requests served so far)", (long) n * keysPerNode, secs(t1),
                dhtRequests.sum());
        long heapPerNode = (usedHeapAfterGc() - heap0) / n;

        Result cold = measure("cold", plan());
        int[][] warmPlan = plan();
        Result warm = measure("warm", warmPlan);
        Result cached = measure("cached (same keys again)", warmPlan);

        int kill = Math.max(1, n / 10);
        for (int killed = 0; killed < kill; ) {
            int victim = rnd.nextInt(n);
            if (!dead[victim]) {
                dead[victim] = true;
                BenchAccess.kill(nodes.get(victim));
                killed++;
            }
        }
        Result afterKill = measure("after killing " + kill + ", first", plan());
        Result afterKillWarm = measure("after killing " + kill + ", warm", plan());

        System.out.printf(Locale.ROOT, "%nN=%d keys/node=%d lookups=%d heap/node=%.2f MiB target rounds<=%d%n",
                n, keysPerNode, lookups, heapPerNode / 1048576.0, (int) Math.ceil(log2(n / 20.0)) + 1);
        System.out.println("| phase | success | p50 ms | p99 ms | max ms | DHT requests/lookup | rounds mean | rounds max |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : List.of(cold, warm, cached, afterKill, afterKillWarm)) {
            System.out.println(r.row());
        }
    }

    /** Lookups as (from, owner, key index): owner and searcher alive and distinct. */
    private int[][] plan() {
        int[][] p = new int[lookups][];
        for (int i = 0; i < lookups; i++) {
            int from;
            int owner;
            do {
                from = rnd.nextInt(n);
                owner = rnd.nextInt(n);
            } while (from == owner || dead[from] || dead[owner]);
            p[i] = new int[] {from, owner, rnd.nextInt(keysPerNode)};
        }
        return p;
    }

    private Result measure(String phase, int[][] plan) throws InterruptedException {
        long[] lat = new long[plan.length];
        int ok = 0;
        long requests0 = dhtRequests.sum();
        long[] rounds0 = rounds();
        for (int i = 0; i < plan.length; i++) {
            P2pNode from = nodes.get(plan[i][0]);
            String owner = nodes.get(plan[i][1]).peerId();
            long s = System.nanoTime();
            boolean found = false;
            try (ProviderStream st = from.lookup(key(plan[i][1], plan[i][2]), 1)) {
                Optional<Provider> p = st.poll(Duration.ofSeconds(10));
                found = p.isPresent() && p.get().peerId().equals(owner);
            }
            lat[i] = System.nanoTime() - s;
            ok += found ? 1 : 0;
        }
        Arrays.sort(lat);
        double perLookup = (dhtRequests.sum() - requests0) / (double) plan.length;
        long[] rounds1 = rounds();
        long counted = 0;
        long sum = 0;
        int max = 0;
        for (int i = 0; i < rounds1.length; i++) {
            long c = rounds1[i] - rounds0[i];
            counted += c;
            sum += c * i;
            if (c > 0) {
                max = i;
            }
        }
        Result r = new Result(phase, ok, plan.length, pct(lat, 50), pct(lat, 99), lat[lat.length - 1] / 1e6,
                perLookup, counted == 0 ? 0 : sum / (double) counted, max);
        log("%s", r.row());
        return r;
    }

    /** Rounds histogram summed over the live nodes (a cached lookup runs no query and is not counted). */
    private long[] rounds() {
        long[] sum = new long[16];
        for (int i = 0; i < nodes.size(); i++) {
            if (!dead[i]) {
                long[] r = BenchAccess.lookupRounds(nodes.get(i));
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += r[j];
                }
            }
        }
        return sum;
    }

    record Result(String phase, int ok, int total, double p50, double p99, double max, double requests,
            double meanRounds, int maxRounds) {
        String row() {
            return String.format(Locale.ROOT, "| %s | %d/%d (%.1f%%) | %.2f | %.2f | %.1f | %.1f | %.2f | %d |",
                    phase, ok, total, 100.0 * ok / total, p50, p99, max, requests, meanRounds, maxRounds);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(String what, Check c) throws Exception {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out: " + what);
            }
            Thread.sleep(200); // a benchmark driver, not a test: plain polling is fine here
        }
    }

    private static String dialAddr(P2pNode node) {
        Multiaddr a = node.listenAddrs().getFirst();
        return a.withoutPeerId().withPeerId(PeerId.parse(node.peerId())).toString();
    }

    private static double pct(long[] sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, idx)] / 1e6;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void log(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + fmt + "%n", args);
    }
}

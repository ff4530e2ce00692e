package dev.speglar.p2p.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * DHT benchmark: N Java nodes, each on its own 127.x.y.z address with real TCP + Noise + yamux, in this JVM or spread
 * over worker JVMs ({@link WorkerCluster}; beyond a few hundred nodes one JVM runs out of descriptors). Every node
 * provides K keys, then L random lookups run three times: cold (right after the network formed, few connections
 * open), warm (fresh keys, connections now open) and cached (the warm lookups again within the 5 s lookup cache).
 * Then 10% of the nodes die without goodbye and cold/warm repeat. Each lookup asks for one provider and succeeds if
 * it is the key's owner. Lookups run one at a time. Not a test: run it by hand (docs/benchmarks-p2p.md).
 *
 * <p>Arguments: {@code N [keysPerNode=200] [lookups=1000] [seed=1] [processes=1]}; system properties:
 * {@code bench.workerXmx} (default 1g) sizes each worker's heap; {@code bench.advertiseSpreadSeconds} (default 0)
 * starts node i's advertising at i/N of that time instead of all at once, as a rolling restart would: hundreds of
 * nodes sharing two cores otherwise time out on each other.
 */
public final class DhtBench {
    private static final Duration READY_WAIT = Duration.ofMinutes(30);
    private static final int MISSES_LOGGED = Integer.getInteger("bench.missesLogged", 10);

    private final BenchCluster cluster;
    private final int n;
    private final int keysPerNode;
    private final int lookups;
    private final Random rnd;
    private final boolean[] dead;
    private final MissDiagnosis diagnosis;

    private DhtBench(BenchCluster cluster, int keysPerNode, int lookups, long seed) {
        this.cluster = cluster;
        this.n = cluster.size();
        this.keysPerNode = keysPerNode;
        this.lookups = lookups;
        this.rnd = new Random(seed);
        this.dead = new boolean[n];
        this.diagnosis = new MissDiagnosis(cluster, dead);
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--worker")) {
            WorkerCluster.serve(
                    Integer.parseInt(args[1]),
                    Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]),
                    Long.parseLong(args[4]));
            System.exit(0);
        }
        int n = Integer.parseInt(args[0]);
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        int procs = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        long heap0 = procs == 1 ? usedHeapAfterGc() : 0;
        long t0 = System.nanoTime();
        try (BenchCluster c = procs == 1
                ? BenchNodes.start(n, 0, n, seed, Map.of())
                : WorkerCluster.start(n, procs, seed, System.getProperty("bench.workerXmx", "1g"))) {
            log(
                    "started %d nodes in %d process(es) in %.1f s, %d connections upgraded",
                    n, procs, secs(t0), c.connections());
            new DhtBench(c, keys, lookups, seed).run(heap0);
        }
        System.exit(0);
    }

    private void run(long heap0) throws Exception {
        long settle = Long.getLong("bench.settleSeconds", 0);
        if (settle > 0) {
            log("letting routing tables settle for %d s before advertising", settle);
            Thread.sleep(settle * 1000); // a benchmark phase, not synchronisation
        }
        long t1 = System.nanoTime();
        long spread = Long.getLong("bench.advertiseSpreadSeconds", 0);
        if (spread > 0) {
            log("advertising starts node by node over %d s", spread);
        }
        cluster.advertise(keysPerNode, spread * 1000);
        // Advertising is asynchronous: wait until every node's provide queue has drained.
        long[] lastLog = {System.nanoTime()};
        waitUntil("advertising drained", () -> {
            int pending = cluster.advertisingPending();
            if (System.nanoTime() - lastLog[0] > 15e9) {
                log(
                        "advertising: %d provides pending after %.0f s, %d DHT requests served, %d connections"
                                + " upgraded",
                        pending, secs(t1), cluster.dhtRequests(), cluster.connections());
                lastLog[0] = System.nanoTime();
            }
            return pending == 0;
        });
        log(
                "advertised %d keys in %.1f s (%d DHT requests served, %d connections upgraded so far)",
                (long) n * keysPerNode, secs(t1), cluster.dhtRequests(), cluster.connections());
        long heapPerNode = (cluster.usedHeapAfterGc() - heap0) / n;
        log("%s", diagnosis.tableCoverage());
        log("failed walk requests so far: %s", cluster.failures());

        Result cold = measure("cold", plan());
        int[][] warmPlan = plan();
        Result warm = measure("warm", warmPlan);
        Result cached = measure("cached (same keys again)", warmPlan);

        int kill = Math.max(1, n / 10);
        for (int killed = 0; killed < kill; ) {
            int victim = rnd.nextInt(n);
            if (!dead[victim]) {
                dead[victim] = true;
                cluster.kill(victim);
                killed++;
            }
        }
        log("%s", diagnosis.tableCoverage());
        Result afterKill = measure("after killing " + kill + ", first", plan());
        Result afterKillWarm = measure("after killing " + kill + ", warm", plan());

        System.out.printf(
                Locale.ROOT,
                "%nN=%d keys/node=%d lookups=%d heap/node=%.2f MiB target rounds<=%d%n",
                n,
                keysPerNode,
                lookups,
                heapPerNode / 1048576.0,
                (int) Math.ceil(log2(n / 20.0)) + 1);
        System.out.println(
                "| phase | success | p50 ms | p99 ms | max ms | DHT requests/lookup | rounds mean | rounds max |");
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

    private Result measure(String phase, int[][] plan) throws Exception {
        long[] lat = new long[plan.length];
        int ok = 0;
        int misses = 0;
        long requests0 = cluster.dhtRequests();
        long[] rounds0 = cluster.lookupRounds();
        for (int i = 0; i < plan.length; i++) {
            long r = cluster.lookup(plan[i][0], plan[i][1], plan[i][2]);
            lat[i] = r >= 0 ? r : -r - 1;
            ok += r >= 0 ? 1 : 0;
            if (r < 0) {
                String why = diagnosis.explain(plan[i][0], plan[i][1], plan[i][2]);
                if (misses++ < MISSES_LOGGED) {
                    log("miss: %s", why);
                }
            }
        }
        Arrays.sort(lat);
        double perLookup = (cluster.dhtRequests() - requests0) / (double) plan.length;
        long[] rounds1 = cluster.lookupRounds();
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
        Result r = new Result(
                phase,
                ok,
                plan.length,
                pct(lat, 50),
                pct(lat, 99),
                lat[lat.length - 1] / 1e6,
                perLookup,
                counted == 0 ? 0 : sum / (double) counted,
                max);
        log("%s", r.row());
        if (misses > 0) {
            log("misses by walk end/diagnosis: %s", diagnosis.drainTally());
        }
        return r;
    }

    record Result(
            String phase,
            int ok,
            int total,
            double p50,
            double p99,
            double max,
            double requests,
            double meanRounds,
            int maxRounds) {
        String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d/%d (%.1f%%) | %.2f | %.2f | %.1f | %.1f | %.2f | %d |",
                    phase,
                    ok,
                    total,
                    100.0 * ok / total,
                    p50,
                    p99,
                    max,
                    requests,
                    meanRounds,
                    maxRounds);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(String what, Check c) throws Exception {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out: " + what);
            }
            Thread.sleep(200); // a benchmark driver, not a test: plain polling is fine here
        }
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

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void log(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + fmt + "%n", args);
    }
}

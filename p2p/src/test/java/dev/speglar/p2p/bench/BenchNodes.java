package dev.speglar.p2p.bench;

import dev.speglar.p2p.BenchAccess;
import dev.speglar.p2p.BootstrapConfig;
import dev.speglar.p2p.P2pConfig;
import dev.speglar.p2p.P2pNode;
import dev.speglar.p2p.Provider;
import dev.speglar.p2p.ProviderStream;
import dev.speglar.p2p.kad.WalkOutcome;
import dev.speglar.p2p.multiformats.Multiaddr;
import dev.speglar.p2p.multiformats.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Nodes {@code [from, to)} of an N-node {@link DhtBench} cluster, in this JVM. Node i listens on its own loopback
 * address and bootstraps from node 0 and two random nodes already up (possibly hosted by other JVMs: their dial
 * addresses are passed in), as a cluster's static bootstrap list would.
 */
final class BenchNodes implements BenchCluster {
    private final int n;
    private final int from;
    private final List<P2pNode> nodes = new ArrayList<>();
    private final boolean[] dead;
    private final Map<Integer, String> peerIds = new ConcurrentHashMap<>();
    private final LongAdder dhtRequests = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private volatile String lastMissWalk = "none - -";
    /** Starts each node's advertising at its slot (see {@link #advertise}). */
    private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-advertise");
        t.setDaemon(true);
        return t;
    });
    /** Nodes whose advertising has not started yet (counted as pending). */
    private final AtomicInteger starting = new AtomicInteger();

    private BenchNodes(int n, int from, int to) {
        this.n = n;
        this.from = from;
        this.dead = new boolean[to - from];
    }

    /**
     * Starts nodes {@code [from, to)} one after the other; {@code known} holds dial addresses of nodes in other JVMs
     * that are already up. Each node bootstraps from the lowest known node and two random known nodes.
     */
    static BenchNodes start(int n, int from, int to, long seed, Map<Integer, String> known) throws Exception {
        BenchNodes b = new BenchNodes(n, from, to);
        Map<Integer, String> addrs = new ConcurrentHashMap<>(known);
        List<Integer> earlier = new ArrayList<>(new java.util.TreeSet<>(known.keySet()));
        try {
            for (int i = from; i < to; i++) {
                Random r = new Random(seed * 1_000_003L + i);
                List<String> boot = new ArrayList<>();
                for (int j = 0; j < Math.min(3, earlier.size()); j++) {
                    boot.add(addrs.get(j == 0 ? earlier.getFirst() : earlier.get(r.nextInt(earlier.size()))));
                }
                P2pNode node = P2pNode.start(P2pConfig.builder()
                        .listenAddress(ip(i) + ":0")
                        .bootstrap(boot.isEmpty() ? BootstrapConfig.none() : BootstrapConfig.staticPeers(boot))
                        .lookupTimeout(Duration.ofSeconds(10))
                        // Advertise once: on a loaded machine a large N can take longer to advertise than the
                        // 15 min reprovide interval (the queue would never drain) or the 19 min record validity.
                        .reprovideInterval(Duration.ofHours(6))
                        .providerValidity(Duration.ofHours(7))
                        // The default cap (512) as agents run it: with N near it, idle connections are trimmed.
                        .build());
                b.nodes.add(node);
                BenchAccess.countDhtRequests(node, "/spegel/kad/1.0.0", b.dhtRequests);
                BenchAccess.countConnections(node, b.connections);
                addrs.put(i, dialAddr(node));
                earlier.add(i);
                b.peerIds.put(i, node.peerId());
            }
            DhtBench.waitUntil("all nodes ready", () -> b.nodes.stream().allMatch(P2pNode::ready));
            return b;
        } catch (Exception | Error e) {
            b.close();
            throw e;
        }
    }

    static String ip(int i) {
        return "127.1." + (i / 250) + "." + (i % 250 + 1);
    }

    static String key(int node, int k) {
        return "sha256:%064x".formatted((long) node * 1_000_003L + k);
    }

    String dialAddr(int i) {
        return dialAddr(node(i));
    }

    private static String dialAddr(P2pNode node) {
        Multiaddr a = node.listenAddrs().getFirst();
        return a.withoutPeerId().withPeerId(PeerId.parse(node.peerId())).toString();
    }

    private P2pNode node(int i) {
        return nodes.get(i - from);
    }

    int from() {
        return from;
    }

    int to() {
        return from + nodes.size();
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public String peerId(int i) {
        return peerIds.get(i);
    }

    @Override
    public void advertise(int keysPerNode, long spreadMillis) {
        for (int i = from; i < to(); i++) {
            List<String> ks = new ArrayList<>(keysPerNode);
            for (int k = 0; k < keysPerNode; k++) {
                ks.add(key(i, k));
            }
            int node = i;
            starting.incrementAndGet();
            starter.schedule(
                    () -> {
                        if (!dead[node - from]) {
                            node(node).advertise(ks);
                        }
                        starting.decrementAndGet();
                    },
                    spreadMillis * i / n,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public int advertisingPending() {
        int sum = 0;
        for (int i = 0; i < nodes.size(); i++) {
            sum += dead[i] ? 0 : BenchAccess.advertisingPending(nodes.get(i));
        }
        return sum + starting.get();
    }

    @Override
    public long usedHeapAfterGc() {
        return DhtBench.usedHeapAfterGc();
    }

    /** As {@link BenchCluster#lookup}, with the owner's peer id given (it may live in another JVM). */
    long lookup(int fromNode, String ownerPeerId, int owner, int keyIndex) throws Exception {
        long s = System.nanoTime();
        boolean found;
        WalkOutcome before = BenchAccess.lastWalk(node(fromNode));
        try (ProviderStream st = node(fromNode).lookup(key(owner, keyIndex), 1)) {
            Optional<Provider> p = st.poll(Duration.ofSeconds(10));
            found = p.isPresent() && p.get().peerId().equals(ownerPeerId);
        }
        long took = System.nanoTime() - s;
        if (!found) {
            // The walk may outlive the poll by a moment: wait for its outcome (a diagnostic, not a test).
            DhtBench.waitUntil("walk ended", () -> BenchAccess.lastWalk(node(fromNode)) != before);
            WalkOutcome w = BenchAccess.lastWalk(node(fromNode));
            lastMissWalk = w.reason() + " " + ids(w.answered()) + " " + ids(w.failed());
        }
        return found ? took : -took - 1;
    }

    private static String ids(List<PeerId> ps) {
        return ps.isEmpty()
                ? "-"
                : String.join(",", ps.stream().map(PeerId::toBase58).toList());
    }

    /** The walk of the last missed lookup: "reason answered failed", peer ids comma-separated ("-" if none). */
    String lastMissWalk() {
        return lastMissWalk;
    }

    /** Failed walk requests of this JVM's nodes by exception class, as "Class=count,...". */
    @Override
    public String failures() {
        Map<String, Long> sum = new java.util.TreeMap<>();
        nodes.forEach(nd -> BenchAccess.failures(nd).forEach((k, v) -> sum.merge(k, v, Long::sum)));
        List<String> out = new ArrayList<>();
        sum.forEach((k, v) -> out.add(k + "=" + v));
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    /** "i=id,id,...;" for each live node of this JVM: its routing table. */
    String routingTables() {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to(); i++) {
            if (!dead[i - from]) {
                out.append(i)
                        .append('=')
                        .append(String.join(",", BenchAccess.routingTable(node(i))))
                        .append(';');
            }
        }
        return out.toString();
    }

    @Override
    public Map<Integer, List<String>> tables() {
        return parseTables(routingTables());
    }

    static Map<Integer, List<String>> parseTables(String s) {
        Map<Integer, List<String>> out = new java.util.HashMap<>();
        for (String e : s.split(";")) {
            if (!e.isEmpty()) {
                String[] kv = e.split("=", -1);
                out.put(Integer.parseInt(kv[0]), kv[1].isEmpty() ? List.of() : List.of(kv[1].split(",")));
            }
        }
        return out;
    }

    /** Live nodes of this JVM, other than the owner, that store the owner's record of the key, comma-separated. */
    String holding(int owner, String ownerPeerId, int keyIndex) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to(); i++) {
            if (i != owner && !dead[i - from] && BenchAccess.holdsRecord(node(i), key(owner, keyIndex), ownerPeerId)) {
                out.add("" + i);
            }
        }
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    @Override
    public long lookup(int fromNode, int owner, int keyIndex) throws Exception {
        return lookup(fromNode, peerId(owner), owner, keyIndex);
    }

    @Override
    public String holding(int owner, int keyIndex) {
        return holding(owner, peerId(owner), keyIndex);
    }

    @Override
    public String missWalk(int node) {
        return lastMissWalk;
    }

    @Override
    public long dhtRequests() {
        return dhtRequests.sum();
    }

    @Override
    public long connections() {
        return connections.sum();
    }

    @Override
    public long[] lookupRounds() {
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

    @Override
    public void kill(int i) {
        dead[i - from] = true;
        BenchAccess.kill(node(i));
    }

    @Override
    public void close() {
        starter.shutdownNow();
        nodes.forEach(P2pNode::close);
    }
}

package dev.speglar.p2p.bench;

import dev.speglar.p2p.kad.KadId;
import dev.speglar.p2p.multiformats.Cid;
import dev.speglar.p2p.multiformats.PeerId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Explains a missed lookup from the global node list: the key's k true closest live nodes, how many of them the
 * provide reached (they hold the record), and how many of them the lookup's walk asked (answered or failed), and
 * why the walk stopped. Reasons are tallied per phase.
 */
final class MissDiagnosis {
    private static final int K = 20;

    private final BenchCluster cluster;
    private final boolean[] dead;
    private final Map<String, Integer> byPeerId = new HashMap<>();
    private final Map<String, Integer> tally = new TreeMap<>();
    private final byte[][] kads;

    MissDiagnosis(BenchCluster cluster, boolean[] dead) {
        this.cluster = cluster;
        this.dead = dead;
        this.kads = new byte[cluster.size()][];
        for (int i = 0; i < cluster.size(); i++) {
            byPeerId.put(cluster.peerId(i), i);
        }
    }

    /** Diagnoses one miss; returns a one-line explanation. */
    String explain(int from, int owner, int keyIndex) throws Exception {
        byte[] target =
                KadId.of(Cid.ofKey(BenchNodes.key(owner, keyIndex)).multihash().bytes());
        Comparator<byte[]> cmp = KadId.byDistanceTo(target);
        List<Integer> closest = IntStream.range(0, cluster.size())
                .filter(i -> !dead[i] && i != owner)
                .boxed()
                .sorted(Comparator.comparing(i -> kad(i), cmp))
                .limit(K)
                .toList();
        Set<Integer> holders = indices(cluster.holding(owner, keyIndex), ",");
        String[] walk = cluster.missWalk(from).split(" ");
        Set<Integer> answered = peers(walk[1]);
        Set<Integer> failed = peers(walk[2]);
        long held = closest.stream().filter(holders::contains).count();
        long asked = closest.stream().filter(answered::contains).count();
        long failedClose = closest.stream().filter(failed::contains).count();
        long holdersAsked = holders.stream().filter(answered::contains).count();
        String kind = held == 0 ? "not provided" : asked < K - failedClose ? "walk short" : "walk reached";
        tally.merge(walk[0] + "/" + kind, 1, Integer::sum);
        return String.format(
                "node %d, key %d of node %d: %d/%d true-closest hold it (%d holders in all); walk %s after %d answered"
                        + " + %d failed: %d/%d true-closest answered, %d failed, %d holders answered",
                from,
                keyIndex,
                owner,
                held,
                K,
                holders.size(),
                walk[0],
                answered.size(),
                failed.size(),
                asked,
                K,
                failedClose,
                holdersAsked);
    }

    /**
     * How complete the routing tables are: for each live node, how many of its k closest live nodes are in its table
     * (Kademlia needs every node to know its own neighbourhood, or walks converge short of the true closest).
     */
    String tableCoverage() throws Exception {
        Map<Integer, List<String>> tables = cluster.tables();
        int[] hist = new int[K + 1];
        long sum = 0;
        int nodes = 0;
        for (var e : tables.entrySet()) {
            int self = e.getKey();
            Comparator<byte[]> cmp = KadId.byDistanceTo(kad(self));
            Set<String> rt = Set.copyOf(e.getValue());
            long known = IntStream.range(0, cluster.size())
                    .filter(i -> !dead[i] && i != self)
                    .boxed()
                    .sorted(Comparator.comparing(i -> kad(i), cmp))
                    .limit(K)
                    .filter(i -> rt.contains(cluster.peerId(i)))
                    .count();
            hist[(int) known]++;
            sum += known;
            nodes++;
        }
        StringBuilder low = new StringBuilder();
        for (int i = 0; i < K; i++) {
            if (hist[i] > 0) {
                low.append(' ').append(i).append(':').append(hist[i]);
            }
        }
        return String.format(
                "routing tables: mean %.1f/%d of a node's closest live nodes known; nodes knowing fewer (known:nodes):%s",
                sum / (double) Math.max(1, nodes), K, low.length() == 0 ? " none" : low);
    }

    /** Counts by "walk end reason/diagnosis" since the last call. */
    String drainTally() {
        String s = tally.toString();
        tally.clear();
        return s;
    }

    private byte[] kad(int i) {
        if (kads[i] == null) {
            kads[i] = PeerId.parse(cluster.peerId(i)).kadId();
        }
        return kads[i];
    }

    private Set<Integer> peers(String csv) {
        return csv.equals("-")
                ? Set.of()
                : Arrays.stream(csv.split(",")).map(byPeerId::get).collect(Collectors.toSet());
    }

    private static Set<Integer> indices(String csv, String sep) {
        return csv.equals("-")
                ? Set.of()
                : Arrays.stream(csv.split(sep)).map(Integer::parseInt).collect(Collectors.toSet());
    }
}

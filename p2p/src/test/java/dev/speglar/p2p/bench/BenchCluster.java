package dev.speglar.p2p.bench;

import java.util.List;
import java.util.Map;

/**
 * The N nodes of a {@link DhtBench} run, hosted in this JVM ({@link BenchNodes}) or spread over worker JVMs
 * ({@link WorkerCluster}); node indices are global.
 */
interface BenchCluster extends AutoCloseable {
    int size();

    /** Base58 peer id of node {@code i}. */
    String peerId(int i);

    /**
     * Every node provides its {@code keysPerNode} keys (asynchronously); node i starts at i/N of {@code spreadMillis}
     * (0: all at once).
     */
    void advertise(int keysPerNode, long spreadMillis) throws Exception;

    /** Provides still queued or running, over all nodes. */
    int advertisingPending() throws Exception;

    /** Heap used after GC, summed over the JVMs hosting nodes. */
    long usedHeapAfterGc() throws Exception;

    /**
     * Node {@code from} looks up key {@code keyIndex} of node {@code owner}; returns the latency in nanoseconds,
     * negated (minus one) when the first provider was not the owner or none came within 10 s.
     */
    long lookup(int from, int owner, int keyIndex) throws Exception;

    /** Live nodes, other than the owner, that store the owner's record of the key, comma-separated ("-": none). */
    String holding(int owner, int keyIndex) throws Exception;

    /** The walk of node {@code node}'s last missed lookup: "reason answered failed" (comma-separated peer ids). */
    String missWalk(int node) throws Exception;

    /** Routing tables of the live nodes (peer ids, base58), by node index. */
    Map<Integer, List<String>> tables() throws Exception;

    /** Failed walk requests by exception class ("Class=count,..."; "-" if none), summed per JVM. */
    String failures() throws Exception;

    /** Inbound DHT requests served by all nodes so far. */
    long dhtRequests() throws Exception;

    /** Connections upgraded so far (one Noise handshake each), counted at both ends. */
    long connections() throws Exception;

    /** Provider lookups by rounds, summed over the live nodes. */
    long[] lookupRounds() throws Exception;

    /** Node {@code i} dies without goodbye. */
    void kill(int i) throws Exception;

    @Override
    void close();
}

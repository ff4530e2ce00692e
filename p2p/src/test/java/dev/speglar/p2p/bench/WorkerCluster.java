package dev.speglar.p2p.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link DhtBench} cluster spread over worker JVMs (the per-process descriptor limit caps one JVM at a few hundred
 * well-connected nodes). Worker w hosts a contiguous range of node indices and answers one-line commands on stdin
 * with one {@code @}-line on stdout; the driver sends lookups one at a time, so they never overlap, as in one JVM.
 * Worker 0 starts first, then all others at once, bootstrapping from worker 0's nodes; a worker exits when its stdin
 * closes, so a dying driver takes its workers with it.
 */
final class WorkerCluster implements BenchCluster {
    private final int n;
    private final int per;
    private final List<Worker> workers = new ArrayList<>();
    private final String[] peerIds;

    private record Worker(Process process, Writer in, BufferedReader out) {}

    private WorkerCluster(int n, int procs) {
        this.n = n;
        this.per = (n + procs - 1) / procs;
        this.peerIds = new String[n];
    }

    static WorkerCluster start(int n, int procs, long seed, String workerXmx) throws IOException {
        WorkerCluster c = new WorkerCluster(n, procs);
        Runtime.getRuntime().addShutdownHook(new Thread(c::close));
        String java = ProcessHandle.current().info().command().orElse("java");
        Map<Integer, String> addrs = new HashMap<>();
        try {
            // Worker 0 first; then all others at once, bootstrapping from worker 0's nodes and their own.
            c.launch(java, 0, seed, workerXmx, addrs);
            c.awaitStarted(c.workers.getFirst(), addrs);
            for (int from = c.per; from < n; from += c.per) {
                c.launch(java, from, seed, workerXmx, addrs);
            }
            for (Worker w : c.workers.subList(1, c.workers.size())) {
                c.awaitStarted(w, addrs);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void launch(String java, int from, long seed, String workerXmx, Map<Integer, String> known)
            throws IOException {
        int to = Math.min(n, from + per);
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx" + workerXmx,
                        "-XX:+UseSerialGC",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        DhtBench.class.getName(),
                        "--worker",
                        "" + n,
                        "" + from,
                        "" + to,
                        "" + seed)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Worker w = new Worker(
                p,
                new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8),
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        workers.add(w);
        for (var e : known.entrySet()) {
            w.in.write("addr " + e.getKey() + " " + e.getValue() + "\n");
        }
        w.in.write("start\n");
        w.in.flush();
    }

    /** Reads "@id i peerId addr" lines until "@ready". */
    private void awaitStarted(Worker w, Map<Integer, String> addrs) throws IOException {
        for (String line = reply(w); !line.equals("ready"); line = reply(w)) {
            String[] f = line.split(" ");
            peerIds[Integer.parseInt(f[1])] = f[2];
            addrs.put(Integer.parseInt(f[1]), f[3]);
        }
        DhtBench.log("worker %d (pid %d) ready", workers.indexOf(w), w.process.pid());
    }

    /** Worker side: hosts nodes {@code [from, to)} of n and serves the driver's commands until stdin closes. */
    static void serve(int n, int from, int to, long seed) throws Exception {
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // anything else printed goes to stderr; stdout carries only replies
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Map<Integer, String> known = new HashMap<>();
        String line;
        while ((line = in.readLine()) != null && line.startsWith("addr ")) {
            String[] f = line.split(" ");
            known.put(Integer.parseInt(f[1]), f[2]);
        }
        try (BenchNodes nodes = BenchNodes.start(n, from, to, seed, known)) {
            for (int i = from; i < to; i++) {
                out.println("@id " + i + " " + nodes.peerId(i) + " " + nodes.dialAddr(i));
            }
            out.println("@ready");
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                String[] f = line.split(" ");
                out.println("@"
                        + switch (f[0]) {
                            case "advertise" -> {
                                nodes.advertise(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                                yield "ok";
                            }
                            case "pending" -> nodes.advertisingPending();
                            case "heap" -> nodes.usedHeapAfterGc();
                            case "q" ->
                                nodes.lookup(
                                        Integer.parseInt(f[1]), f[4], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                            case "req" -> nodes.dhtRequests();
                            case "conns" -> nodes.connections();
                            case "holding" -> nodes.holding(Integer.parseInt(f[1]), f[3], Integer.parseInt(f[2]));
                            case "walk" -> nodes.lastMissWalk();
                            case "rt" -> nodes.routingTables();
                            case "fail" -> nodes.failures();
                            case "rounds" ->
                                String.join(
                                        " ",
                                        Arrays.stream(nodes.lookupRounds())
                                                .mapToObj(Long::toString)
                                                .toList());
                            case "kill" -> {
                                nodes.kill(Integer.parseInt(f[1]));
                                yield "ok";
                            }
                            default -> throw new IllegalArgumentException("unknown command: " + line);
                        });
            }
        }
    }

    private String call(Worker w, String cmd) throws IOException {
        w.in.write(cmd + "\n");
        w.in.flush();
        return reply(w);
    }

    /** The next {@code @}-line, without the {@code @}. */
    private String reply(Worker w) throws IOException {
        String line;
        while ((line = w.out.readLine()) != null) {
            if (line.startsWith("@")) {
                return line.substring(1);
            }
        }
        throw new IOException("worker " + w.process.pid() + " exited (code " + exitCode(w.process) + ")");
    }

    private static String exitCode(Process p) {
        try {
            return p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) ? "" + p.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private Worker of(int node) {
        return workers.get(node / per);
    }

    private long sum(String cmd) throws IOException {
        long s = 0;
        for (Worker w : workers) {
            s += Long.parseLong(call(w, cmd));
        }
        return s;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public String peerId(int i) {
        return peerIds[i];
    }

    @Override
    public void advertise(int keysPerNode, long spreadMillis) throws IOException {
        // All workers at once: queueing the first provides can keep a worker busy for a while.
        for (Worker w : workers) {
            w.in.write("advertise " + keysPerNode + " " + spreadMillis + "\n");
            w.in.flush();
        }
        for (Worker w : workers) {
            reply(w);
        }
    }

    @Override
    public int advertisingPending() throws IOException {
        return (int) sum("pending");
    }

    @Override
    public long usedHeapAfterGc() throws IOException {
        return sum("heap");
    }

    @Override
    public long lookup(int from, int owner, int keyIndex) throws IOException {
        return Long.parseLong(call(of(from), "q " + from + " " + owner + " " + keyIndex + " " + peerIds[owner]));
    }

    @Override
    public String holding(int owner, int keyIndex) throws IOException {
        List<String> out = new ArrayList<>();
        for (Worker w : workers) {
            String r = call(w, "holding " + owner + " " + keyIndex + " " + peerIds[owner]);
            if (!r.equals("-")) {
                out.add(r);
            }
        }
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    @Override
    public Map<Integer, List<String>> tables() throws IOException {
        Map<Integer, List<String>> out = new HashMap<>();
        for (Worker w : workers) {
            out.putAll(BenchNodes.parseTables(call(w, "rt")));
        }
        return out;
    }

    @Override
    public String failures() throws IOException {
        List<String> out = new ArrayList<>();
        for (Worker w : workers) {
            out.add(call(w, "fail"));
        }
        return String.join(" | ", out);
    }

    @Override
    public String missWalk(int node) throws IOException {
        return call(of(node), "walk");
    }

    @Override
    public long dhtRequests() throws IOException {
        return sum("req");
    }

    @Override
    public long connections() throws IOException {
        return sum("conns");
    }

    @Override
    public long[] lookupRounds() throws IOException {
        long[] s = new long[16];
        for (Worker w : workers) {
            String[] f = call(w, "rounds").split(" ");
            for (int i = 0; i < s.length; i++) {
                s[i] += Long.parseLong(f[i]);
            }
        }
        return s;
    }

    @Override
    public void kill(int i) throws IOException {
        call(of(i), "kill " + i);
    }

    @Override
    public synchronized void close() {
        for (Worker w : workers) {
            try {
                w.in.write("quit\n");
                w.in.close();
            } catch (IOException e) {
                // already gone
            }
        }
        for (Worker w : workers) {
            try {
                if (!w.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    w.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                w.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
    }
}

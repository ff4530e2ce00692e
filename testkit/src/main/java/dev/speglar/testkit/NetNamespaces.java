package dev.speglar.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces on one bridge, as scripts/bench-swarm.sh builds them: a hub namespace holds bridge {@code br0};
 * each node namespace gets an {@code eth0} veth into it with the given addresses (IPv6 ones without duplicate address
 * detection, so they are usable at once). Nothing is added to the root namespace. {@link #close()} deletes every
 * namespace this instance created (their veths go with them). Needs root and {@code ip} (iproute2).
 */
public final class NetNamespaces implements AutoCloseable {
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final String prefix;
    private final String hub;
    private final List<String> created = new ArrayList<>();

    private NetNamespaces() {
        this.prefix = "sg" + (ProcessHandle.current().pid() % 100000) + "x" + SEQ.incrementAndGet();
        this.hub = prefix + "h";
    }

    /** Creates the hub namespace and its bridge. */
    public static NetNamespaces create() {
        Tools.require("ip");
        NetNamespaces n = new NetNamespaces();
        try {
            n.addNamespace(n.hub);
            ip("-n", n.hub, "link", "add", "br0", "type", "bridge");
            ip("-n", n.hub, "link", "set", "br0", "up");
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /**
     * Adds namespace {@code <prefix><name>} with {@code eth0} on the bridge and {@code cidrs} ("10.90.0.10/24",
     * "fd00:5a::a/64"); returns the namespace's full name.
     */
    public String node(String name, String... cidrs) {
        String ns = prefix + name;
        addNamespace(ns);
        String veth = "v" + name;
        ip("-n", hub, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("-n", hub, "link", "set", veth, "master", "br0", "up");
        for (String cidr : cidrs) {
            if (cidr.contains(":")) {
                ip("-n", ns, "addr", "add", cidr, "dev", "eth0", "nodad");
            } else {
                ip("-n", ns, "addr", "add", cidr, "dev", "eth0");
            }
        }
        ip("-n", ns, "link", "set", "eth0", "up");
        return ns;
    }

    /**
     * Names resolved inside {@code ns} only: {@code ip netns exec} mounts {@code /etc/netns/<ns>/hosts} over
     * {@code /etc/hosts}. Lines like {@code "fd00:5a::b node-b.test"}.
     */
    public void hosts(String ns, String... lines) {
        try {
            java.nio.file.Path dir = java.nio.file.Path.of("/etc/netns", ns);
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(
                    dir.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n" + String.join("\n", lines) + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code command} prefixed to run inside {@code ns}. */
    public static List<String> in(String ns, List<String> command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        out.addAll(command);
        return out;
    }

    /** Runs a short command inside {@code ns}. */
    public static Exec.Result run(String ns, Duration timeout, String... command) {
        return Exec.run(timeout, java.util.Map.of(), in(ns, List.of(command)));
    }

    private void addNamespace(String ns) {
        ip("netns", "add", ns);
        created.add(ns);
        ip("-n", ns, "link", "set", "lo", "up");
    }

    private static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Exec.run(IP_TIMEOUT, java.util.Map.of(), cmd).check();
    }

    /** Deletes the namespaces (processes inside must be stopped first; their sockets die with the namespace). */
    @Override
    public void close() {
        for (int i = created.size() - 1; i >= 0; i--) {
            Exec.run(IP_TIMEOUT, "ip", "netns", "del", created.get(i));
            TempDirs.deleteRecursively(java.nio.file.Path.of("/etc/netns", created.get(i)));
        }
        created.clear();
    }
}

package dev.speglar.e2e.p2p;

import static org.awaitility.Awaitility.await;

import dev.speglar.agent.Agent;
import dev.speglar.agent.AgentConfig;
import dev.speglar.agent.cli.RegistryCommand;
import dev.speglar.agent.hosts.MirrorConfiguration;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.LoopbackAddresses;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated cluster node: a private containerd daemon plus an in-process agent on its own 127.0.0.x address,
 * with containerd's hosts.toml written by the agent's own configuration code (mirror first, then the upstream).
 */
final class Node implements AutoCloseable {
    final String name;
    final InetAddress address;
    final int registryPort;
    final int routerPort;
    final ContainerdDaemon containerd;
    private final List<String> bootstrap;
    private final String upstream;
    private final List<String> extraFlags;
    private Agent agent;

    /**
     * Starts {@code count} nodes bootstrapped statically from the first one, all on the same registry and router ports
     * (as upstream assumes cluster-wide), each on its own loopback address, and waits until every router is ready.
     * Every node, the seed included, is given the seed's address, as with a headless service; a node skips itself.
     */
    static List<Node> startCluster(int count, String upstreamHostPort) throws Exception {
        return startCluster(count, upstreamHostPort, List.of());
    }

    /** As {@link #startCluster(int, String)}, each agent started with {@code extraFlags} as well. */
    static List<Node> startCluster(int count, String upstreamHostPort, List<String> extraFlags) throws Exception {
        InetAddress first = LoopbackAddresses.nextAddress();
        int registryPort = LoopbackAddresses.freePort(first);
        int routerPort = LoopbackAddresses.freePort(first);
        String seed = "/ip4/" + first.getHostAddress() + "/tcp/" + routerPort;
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                InetAddress a = i == 1 ? first : LoopbackAddresses.nextAddress();
                nodes.add(new Node("node" + i, a, registryPort, routerPort, upstreamHostPort, List.of(seed), extraFlags)
                        .startAgent());
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> nodes.stream().allMatch(n -> n.agent().router().ready()));
        } catch (Exception | Error e) {
            nodes.forEach(Node::close);
            throw e;
        }
        return nodes;
    }

    Node(
            String name,
            InetAddress address,
            int registryPort,
            int routerPort,
            String upstreamHostPort,
            List<String> bootstrap) {
        this(name, address, registryPort, routerPort, upstreamHostPort, bootstrap, List.of());
    }

    Node(
            String name,
            InetAddress address,
            int registryPort,
            int routerPort,
            String upstreamHostPort,
            List<String> bootstrap,
            List<String> extraFlags) {
        this.extraFlags = List.copyOf(extraFlags);
        this.name = name;
        this.address = address;
        this.registryPort = registryPort;
        this.routerPort = routerPort;
        this.upstream = upstreamHostPort;
        this.bootstrap = bootstrap;
        this.containerd = ContainerdDaemon.create().start();
    }

    Node startAgent() throws Exception {
        List<String> flags = new ArrayList<>(List.of(
                "--registry-addr=" + host() + ":" + registryPort,
                "--router-addr=" + host() + ":" + routerPort,
                "--metrics-addr=" + host() + ":0",
                "--store=containerd",
                "--containerd-sock=" + containerd.socket(),
                "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
                "--containerd-content-path=" + containerd.contentDir(),
                "--mirror-resolve-timeout=50ms",
                "--bootstrap-kind=static",
                "--static-bootstrap-peers=" + String.join(",", bootstrap),
                "--verify-containerd-config=true",
                "--containerd-registry-config-path=" + containerd.certsDir(),
                "--basic-auth-dir=" + containerd.dir().resolve("no-auth"),
                "--resync-interval=30s"));
        flags.addAll(extraFlags);
        AgentConfig config = RegistryCommand.parse(flags.toArray(String[]::new));
        agent = Agent.start(config);
        new MirrorConfiguration(containerd.certsDir())
                .write(List.of("http://" + upstream, "https://docker.io"), List.of(mirrorUrl()), true, false, null);
        // There is no Docker Hub here: docker.io's "upstream" is the local registry, behind the same mirror.
        java.nio.file.Files.writeString(
                containerd.certsDir().resolve("docker.io/hosts.toml"),
                "server = 'http://" + upstream + "'\n\n[host.'" + mirrorUrl()
                        + "']\ncapabilities = ['pull', 'resolve']\n");
        return this;
    }

    String host() {
        return address.getHostAddress();
    }

    String mirrorUrl() {
        return "http://" + host() + ":" + registryPort;
    }

    String routerMultiaddr() {
        return "/ip4/" + host() + "/tcp/" + routerPort;
    }

    Agent agent() {
        return agent;
    }

    /** {@code ctr image pull} with this node's hosts dir, as containerd's own resolver would use it. */
    String pull(String reference) {
        return containerd.ctr(
                "image", "pull", "--hosts-dir", containerd.certsDir().toString(), reference);
    }

    /** The agent's Prometheus text, for assertions on mirror counters. */
    String metrics() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://" + host() + ":" + agent.metricsAddress().getPort() + "/metrics"))
                .build();
        return http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Sum of a counter's samples whose line contains {@code filter}. */
    double counter(String name, String filter) throws Exception {
        double sum = 0;
        for (String line : metrics().split("\n")) {
            if (line.startsWith(name) && line.contains(filter)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    void stopAgent() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    Path certs() {
        return containerd.certsDir();
    }

    @Override
    public void close() {
        stopAgent();
        containerd.close();
    }
}

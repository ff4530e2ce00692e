package dev.speglar.e2e;

import dev.speglar.agent.Agent;
import dev.speglar.agent.cli.GoDuration;
import dev.speglar.agent.cli.RegistryCommand;
import dev.speglar.testkit.Http;
import dev.speglar.testkit.LoopbackAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import picocli.CommandLine;

/**
 * The agent's {@code registry} command running in this JVM on its own 127.0.0.x address, configured through the real
 * CLI flags (so the flag names are under test too) and stopped on close.
 */
final class InProcessAgent implements AutoCloseable {
    private final Agent agent;
    private final InetSocketAddress address;

    private InProcessAgent(Agent agent, InetSocketAddress address) {
        this.agent = agent;
        this.address = address;
    }

    /** Starts a standalone agent; {@code flags} are added after the address flags. */
    static InProcessAgent start(String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--standalone"));
        all.addAll(List.of(flags));
        return startP2p(all.toArray(String[]::new));
    }

    /** Starts an agent without {@code --standalone}: {@code flags} must say how it bootstraps. */
    static InProcessAgent startP2p(String... flags) throws Exception {
        InetAddress ip = LoopbackAddresses.nextAddress();
        InetSocketAddress registry = new InetSocketAddress(ip, LoopbackAddresses.freePort(ip));
        List<String> args = new ArrayList<>(List.of(
                "--registry-addr=" + LoopbackAddresses.hostPort(registry),
                "--router-addr=" + ip.getHostAddress() + ":" + LoopbackAddresses.freePort(ip),
                "--metrics-addr=" + ip.getHostAddress() + ":" + LoopbackAddresses.freePort(ip),
                "--basic-auth-dir=/nonexistent/speglar-e2e"));
        args.addAll(List.of(flags));
        RegistryCommand cmd = new RegistryCommand();
        new CommandLine(cmd).registerConverter(Duration.class, new GoDuration()).parseArgs(args.toArray(String[]::new));
        Agent agent = Agent.start(cmd.config(), cmd.extendedOptions());
        InProcessAgent a = new InProcessAgent(agent, registry);
        try {
            Awaitility.await("agent serving /v2/")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> Http.status(a.url() + "/v2/") == 200);
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
        return a;
    }

    InetSocketAddress address() {
        return address;
    }

    String url() {
        return "http://" + LoopbackAddresses.hostPort(address);
    }

    @Override
    public void close() {
        agent.close();
    }
}

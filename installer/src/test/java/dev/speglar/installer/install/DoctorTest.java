package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.containerd.ContainerdBinary;
import dev.speglar.installer.containerd.ContainerdVersion;
import dev.speglar.installer.detect.HostRoot;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code speglar doctor} as a user meets it on a broken node: a real {@code containerd config dump} and {@code ctr}
 * against a socket file that is missing, or one that accepts connections and never answers (as does the agent's
 * port). Results must arrive as each check finishes, waits must be announced, and the run must stay bounded.
 */
@Tag("real")
class DoctorTest {

    @TempDir
    Path root;

    ServerSocket stalledAgent;
    URI mirror;

    /** One event the doctor reported, with when (ms since the run started). */
    record Event(long atMillis, String text) {}

    @BeforeEach
    void node() throws Exception {
        Path config = root.resolve("etc/containerd/config.toml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".containerd]
                  discard_unpacked_layers = false
                [plugins."io.containerd.grpc.v1.cri".registry]
                  config_path = "/etc/containerd/certs.d"
                """);
        // Listens (the kernel completes the handshake) but never accepts: an agent that hangs.
        stalledAgent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        mirror = URI.create("http://127.0.0.1:" + stalledAgent.getLocalPort());
        Path hosts = root.resolve("etc/containerd/certs.d/_default/hosts.toml");
        Files.createDirectories(hosts.getParent());
        Files.writeString(hosts, "[host.'" + mirror + "']\ncapabilities = ['pull', 'resolve']\n");
        Files.createDirectories(root.resolve("run/containerd"));
    }

    @org.junit.jupiter.api.AfterEach
    void close() throws Exception {
        stalledAgent.close();
    }

    private List<Event> runDoctor(String socket, List<Doctor.Check> result) {
        List<Event> events = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        HostRoot host = new HostRoot(root);
        ContainerdTarget target = new ContainerdTarget(
                ContainerdVersion.parse("1.6.20"), "/etc/containerd/config.toml", false, ConfigStrategy.AUTO, null);
        Doctor doctor = new Doctor(
                host,
                target,
                new CandidateDump(host, new ContainerdBinary("containerd"), target.version()),
                new ContainerdProbe("ctr", socket, Doctor.PROBE_TIMEOUT),
                List.of(mirror),
                "docker.io/library/busybox:1.36");
        result.addAll(doctor.run(new CheckRunner.Listener() {
            @Override
            public void finished(Doctor.Check check) {
                events.add(new Event((System.nanoTime() - start) / 1_000_000, check.toString()));
            }

            @Override
            public void waiting(String name, String what, Duration limit) {
                events.add(new Event((System.nanoTime() - start) / 1_000_000, "waiting " + name + ": " + what));
            }
        }));
        events.add(new Event((System.nanoTime() - start) / 1_000_000, "end"));
        return events;
    }

    private static Event find(List<Event> events, String prefix) {
        return events.stream()
                .filter(e -> e.text().startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no event " + prefix + " in " + events));
    }

    @Test
    void missingSocketFailsAtOnceAndResultsStreamWhileTheAgentHangs() {
        String socket = root.resolve("run/containerd/containerd.sock").toString();
        List<Doctor.Check> checks = new java.util.ArrayList<>();

        List<Event> events = runDoctor(socket, checks);

        Event config = find(events, "OK   containerd config");
        Event daemon = find(events, "FAIL containerd daemon");
        Event agent = find(events, "FAIL agent ready");
        Event end = find(events, "end");
        assertThat(daemon.text()).contains("no socket at " + socket, "pass --containerd-socket");
        find(events, "OK   hosts.toml");
        // Streamed: the missing socket is known long before the hung agent's check gives up.
        assertThat(daemon.atMillis()).isLessThan(agent.atMillis() - 1500);
        assertThat(config.atMillis()).isLessThan(agent.atMillis());
        assertThat(find(events, "waiting agent ready").text()).contains("GET " + mirror + "/readyz");
        assertThat(find(events, "waiting pull through mirror").atMillis()).isLessThan(agent.atMillis());
        assertThat(end.atMillis()).as("%s", events).isLessThan(10_000);
        assertThat(checks).extracting(Doctor.Check::status).contains(Doctor.Status.FAIL);
    }

    @Test
    void stalledSocketIsAnnouncedAndGivenUpOnInBoundedTime() throws Exception {
        Path socket = root.resolve("run/containerd/containerd.sock");
        try (ServerSocketChannel stalled = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stalled.bind(UnixDomainSocketAddress.of(socket)); // listening, never accepted, never answered
            List<Doctor.Check> checks = new java.util.ArrayList<>();

            List<Event> events = runDoctor(socket.toString(), checks);

            assertThat(find(events, "waiting containerd daemon").text()).contains("containerd at " + socket);
            assertThat(find(events, "FAIL containerd daemon").text()).contains(socket.toString());
            assertThat(find(events, "end").atMillis()).as("%s", events).isLessThan(10_000);
        } finally {
            Files.deleteIfExists(socket);
        }
    }
}

package dev.speglar.e2e.beyond;

import dev.speglar.testkit.ManagedProcess;
import dev.speglar.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent as its own JVM (the test's class path, the launcher's JVM options from packaging/agent-jvm.options), so
 * its memory and sockets are its own. Started with {@code registry} and the given flags; ready once {@code /livez}
 * answers.
 */
final class AgentJvm implements AutoCloseable {
    private final ManagedProcess process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final String registryUrl;
    final String metricsUrl;
    /** The network namespace the agent runs in, or null for the test's own. */
    private final String netns;

    AgentJvm(String name, String registryHostPort, String metricsHostPort, List<String> flags) {
        this(null, name, registryHostPort, metricsHostPort, flags);
    }

    /** An agent inside network namespace {@code netns} (see {@link dev.speglar.testkit.NetNamespaces}). */
    AgentJvm(String netns, String name, String registryHostPort, String metricsHostPort, List<String> flags) {
        this.netns = netns;
        List<String> cmd = command("registry");
        cmd.addAll(List.of(
                "--registry-addr=" + registryHostPort,
                "--metrics-addr=" + metricsHostPort,
                "--verify-containerd-config=false",
                "--basic-auth-dir=" + TempDirs.create("no-auth").resolve("none")));
        cmd.addAll(flags);
        Path log = TempDirs.create("agent-jvm").resolve(name + ".log");
        process = ManagedProcess.start(
                name,
                netns == null ? cmd : dev.speglar.testkit.NetNamespaces.in(netns, cmd),
                Map.of("MALLOC_ARENA_MAX", "2"),
                log);
        // A wildcard (":5000") is probed on loopback.
        registryUrl = "http://" + (registryHostPort.startsWith(":") ? "127.0.0.1" : "") + registryHostPort;
        metricsUrl = "http://" + (metricsHostPort.startsWith(":") ? "127.0.0.1" : "") + metricsHostPort + "/metrics";
        process.awaitReady(Duration.ofSeconds(60), () -> status(registryUrl + "/livez") == 200);
    }

    /** The java command line of an agent subcommand with the packaged JVM options; more arguments may be added. */
    static List<String> command(String... subcommand) {
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions(repo.resolve("packaging/agent-jvm.options")));
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.speglar.agent.Main"));
        cmd.addAll(List.of(subcommand));
        return cmd;
    }

    private static List<String> jvmOptions(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .map(l -> l.replaceAll("#.*", "").trim())
                    .filter(l -> !l.isEmpty())
                    .flatMap(l -> Arrays.stream(l.split("\\s+")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int status(String url) {
        if (netns != null) {
            var r = dev.speglar.testkit.NetNamespaces.run(
                    netns,
                    Duration.ofSeconds(10),
                    "curl",
                    "-s",
                    "-m",
                    "5",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    url);
            return r.stdout().isBlank() ? -1 : Integer.parseInt(r.stdout().trim());
        }
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String metrics() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The value of one sample, e.g. {@code speglar_listener_connections_open{server="registry"}}; 0 if absent. */
    double metric(String sample) throws IOException, InterruptedException {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Resident set size in bytes, from /proc. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    /** Everything the agent wrote so far. */
    String logText() {
        return process.logText();
    }

    String logTail() {
        return process.logTail(4000);
    }

    @Override
    public void close() {
        process.close();
    }
}

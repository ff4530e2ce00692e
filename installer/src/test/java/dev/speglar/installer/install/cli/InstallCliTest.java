package dev.speglar.installer.install.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.speglar.installer.Main;
import dev.speglar.installer.containerd.Exec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI end to end on a temp host root with a private containerd, restarted through {@code --restart-command}
 * (a shell script standing in for systemctl), and a fake agent answering /readyz and manifest HEADs.
 */
@Tag("real")
class InstallCliTest {

    @TempDir
    Path root;

    @TempDir
    Path scratch;

    Path base;
    Path script;
    HttpServer agent;
    String mirror;
    final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        base = root.resolve("run/ctd");
        Files.createDirectories(base);
        Path config = root.resolve("etc/containerd/config.toml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                [grpc]
                  address = "%1$s/ctd.sock"
                [ttrpc]
                  address = "%1$s/ctd.sock.ttrpc"
                [plugins]
                  [plugins."io.containerd.internal.v1.opt"]
                    path = "%1$s/opt"
                  [plugins."io.containerd.grpc.v1.cri"]
                    disable_tcp_service = true
                    stream_server_address = "127.0.0.1"
                    stream_server_port = "0"
                    [plugins."io.containerd.grpc.v1.cri".containerd]
                      discard_unpacked_layers = true
                """.formatted(base));
        // Stands in for 'systemctl restart containerd': stop the previous daemon by pid file, start a new one.
        script = Files.writeString(scratch.resolve("restart.sh"), """
                #!/bin/sh
                echo x >> "%1$s/restarts"
                if [ -f "%1$s/pid" ]; then
                  pid=$(cat "%1$s/pid"); kill "$pid" 2>/dev/null
                  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done
                fi
                containerd --config "%2$s" >> "%1$s/containerd.log" 2>&1 < /dev/null &
                echo $! > "%1$s/pid"
                """.formatted(base, config));
        Exec.Result r = Exec.run(List.of("/bin/sh", script.toString()), Duration.ofSeconds(30));
        assertThat(r.ok()).as(r.describe()).isTrue();
        Files.delete(base.resolve("restarts"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Exec.run(List.of("ctr", "--address", socket(), "version"), Duration.ofSeconds(5))
                        .ok());

        agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        agent.createContext("/readyz", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        agent.createContext("/v2/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            boolean known = ex.getRequestURI().getPath().equals("/v2/library/test/manifests/1.0")
                    && "ns=127.0.0.1:5000".equals(ex.getRequestURI().getQuery());
            ex.getResponseHeaders().add("Docker-Content-Digest", "sha256:" + "a".repeat(64));
            ex.sendResponseHeaders(known ? 200 : 404, -1);
            ex.close();
        });
        agent.start();
        mirror = "http://127.0.0.1:" + agent.getAddress().getPort();
    }

    @AfterEach
    void tearDown() throws IOException {
        agent.stop(0);
        Path pid = base.resolve("pid");
        if (Files.exists(pid)) {
            long id = Long.parseLong(Files.readString(pid).strip());
            ProcessHandle.of(id).ifPresent(h -> {
                h.destroy();
                h.onExit().orTimeout(15, java.util.concurrent.TimeUnit.SECONDS).join();
            });
        }
    }

    private String socket() {
        return base.resolve("ctd.sock").toString();
    }

    private int restarts() throws IOException {
        Path f = base.resolve("restarts");
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    private record Run(int code, String out, String err) {}

    private Run speglar(String... args) throws IOException {
        Path jar = Files.write(scratch.resolve("agent.jar"), "agent".getBytes());
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--host-root",
                root.toString(),
                "--containerd-version",
                "1.6.20",
                "--containerd-socket",
                socket(),
                "--restart-command",
                "/bin/sh " + script,
                "--agent-jar",
                jar.toString(),
                "--agent-start-command",
                "true",
                "--agent-stop-command",
                "true",
                "--agent-arg=--standalone",
                "--mirror-target",
                mirror,
                "--verify-timeout",
                "20"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("run")) continue;
                out.put(rel, Files.isDirectory(p) ? "dir" : new String(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    @Test
    void planInstallDoctorReinstallUninstall() throws Exception {
        Map<String, String> original = snapshot();

        Run plan = speglar("plan");
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out())
                .contains(
                        "modify /etc/containerd/config.toml",
                        "+       discard_unpacked_layers = false",
                        "create /etc/containerd/certs.d/_default/hosts.toml",
                        "containerd restart: required",
                        "registry.config_path: \"\" -> \"/etc/containerd/certs.d\"");
        assertThat(snapshot()).isEqualTo(original);

        Run dry = speglar("install");
        assertThat(dry.out()).contains("Dry run: re-run with --yes");
        assertThat(snapshot()).isEqualTo(original);
        assertThat(restarts()).isZero();

        Run install = speglar("install", "--yes");
        assertThat(install.code()).as(install.out() + install.err()).isZero();
        assertThat(install.out())
                .contains("write containerd config: ok", "restart containerd", "verify containerd", "Installed.");
        assertThat(restarts()).isEqualTo(1);

        // containerd's own hosts.toml resolver reads the written file and asks the mirror first, with ?ns=.
        Exec.Result fetch = Exec.run(
                List.of(
                        "ctr",
                        "--address",
                        socket(),
                        "content",
                        "fetch",
                        "--hosts-dir",
                        root.resolve("etc/containerd/certs.d").toString(),
                        "127.0.0.1:1/library/test:1.0"),
                Duration.ofSeconds(30));
        assertThat(fetch.ok()).isFalse(); // nothing serves the image; the point is where containerd asked
        assertThat(seen).contains("HEAD /v2/library/test/manifests/1.0?ns=127.0.0.1%3A1");

        Run doctor = speglar("doctor", "--check-image", "127.0.0.1:5000/library/test:1.0");
        assertThat(doctor.code()).as(doctor.out()).isZero();
        assertThat(doctor.out())
                .contains(
                        "OK   containerd config: config_path=/etc/containerd/certs.d",
                        "OK   containerd daemon",
                        "OK   agent ready",
                        "OK   pull through mirror",
                        "-> 200 sha256:aaaa",
                        "All checks passed.");

        Run again = speglar("install", "--yes");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("Nothing to change");
        assertThat(restarts()).isEqualTo(1);

        Run uninstall = speglar("uninstall", "--yes");
        assertThat(uninstall.code()).as(uninstall.out() + uninstall.err()).isZero();
        assertThat(restarts()).isEqualTo(2);
        assertThat(snapshot()).isEqualTo(original);

        Run sick = speglar("doctor");
        assertThat(sick.code()).isEqualTo(1);
        assertThat(sick.out())
                .contains("FAIL containerd config", "discard_unpacked_layers is true", "SKIP pull through mirror");
    }

    @Test
    void badFlagsGiveClearErrors() throws Exception {
        Run r = speglar("install", "--config-strategy", "sideways");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--config-strategy", "'sideways' is not auto, in-place or drop-in");
        Run k = speglar("install", "--mode", "daemonset", "--image", "x:1");
        assertThat(k.code()).isEqualTo(2);
        assertThat(k.err()).contains("needs --kubeconfig");
        Run noBootstrap = speglar("plan", "--agent-arg=--data-dir=/var/lib/speglar");
        assertThat(noBootstrap.code()).isZero(); // --standalone from the common args satisfies it
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(
                new String[] {
                    "plan",
                    "--host-root",
                    root.toString(),
                    "--containerd-version",
                    "1.6.20",
                    "--agent-jar",
                    scratch.resolve("agent.jar").toString(),
                    "--node-ip",
                    "10.0.0.5"
                },
                new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("the agent needs a peer bootstrap");
    }
}

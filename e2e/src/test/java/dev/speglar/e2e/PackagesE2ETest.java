package dev.speglar.e2e;

import static dev.speglar.e2e.PullingNode.assertHasBlobs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.Exec;
import dev.speglar.testkit.Http;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.ManagedProcess;
import dev.speglar.testkit.TempDirs;
import dev.speglar.testkit.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The native packages built by {@code ./mvnw -Ppackages package} (packaging/target), installed as an operator would:
 * the .deb with dpkg on this machine, used with no JDK on PATH and no JAVA_HOME, then purged without a trace; the
 * .rpm inspected with rpm and installed into a scratch root. Runs only in the packages profile.
 */
@Tag("real")
@Tag("packages")
class PackagesE2ETest {
    private static final Duration CMD = Duration.ofMinutes(2);
    /**
     * A clean environment: no JAVA_HOME, and a PATH holding only the two installed commands and containerd (the
     * installer validates configs with it, as on a node); this machine has a JDK in /usr/bin, and /bin is /usr/bin.
     */
    private static List<String> noJdkEnv;

    private static synchronized List<String> noJdkEnv() throws IOException {
        if (noJdkEnv == null) {
            Path bin = TempDirs.create("nojdk-path");
            Files.createSymbolicLink(bin.resolve("speglar"), Path.of("/usr/bin/speglar"));
            Files.createSymbolicLink(bin.resolve("speglar-agent"), Path.of("/usr/bin/speglar-agent"));
            Files.createSymbolicLink(bin.resolve("containerd"), Tools.require("containerd"));
            noJdkEnv = List.of("env", "-i", "PATH=" + bin, "HOME=/root");
        }
        return noJdkEnv;
    }

    static Path packagesDir() {
        String dir = System.getProperty("speglar.packages.dir");
        assertThat(dir)
                .as("system property speglar.packages.dir (set by e2e/pom.xml)")
                .isNotNull();
        return Path.of(dir);
    }

    /** The repository's root: packages are built into its packaging/target. */
    static Path repositoryRoot() {
        return packagesDir().toAbsolutePath().normalize().getParent().getParent();
    }

    /** The jar file names in a THIRD-PARTY.txt (first column of each line that is not a comment). */
    static Set<String> listedJars(String thirdParty) {
        return thirdParty
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\\s+")[0])
                .collect(Collectors.toSet());
    }

    static Path artifact(String glob) throws IOException {
        try (Stream<Path> s = Files.list(packagesDir())) {
            List<Path> found = s.filter(p ->
                            p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .toList();
            assertThat(found)
                    .as(glob + " in " + packagesDir() + ": build with ./mvnw -Ppackages package")
                    .hasSize(1);
            return found.getFirst();
        }
    }

    /** The build's version, as the programs print it (Maven's project.version; the packages write - as ~). */
    static String version() throws IOException {
        Path deb = artifact("speglar_*_amd64.deb");
        return Exec.check(CMD, "dpkg-deb", "-f", deb.toString(), "Version")
                .strip()
                .replace('~', '-');
    }

    /** Installer arguments for the systemd mode on the node root {@code root}, containerd's version given. */
    private static List<String> systemdModeOn(Path root) {
        return List.of(
                "--host-root",
                root.toString(),
                "--mode",
                "systemd",
                "--containerd-version",
                "1.7.24",
                "--allow-unsupported-platform");
    }

    private static Exec.Result noJdk(String... command) throws IOException {
        List<String> argv = new ArrayList<>(noJdkEnv());
        argv.addAll(List.of(command));
        return Exec.run(CMD, Map.of(), argv);
    }

    @Test
    void debInstallsRunsWithoutAJdkServesContainerdAndPurgesWithoutATrace() throws Exception {
        Path deb = artifact("speglar_*_amd64.deb");
        assertThat(Files.exists(Path.of("/opt/speglar")))
                .as("/opt/speglar before the test")
                .isFalse();
        List<String> packaged = Exec.check(CMD, "dpkg-deb", "-c", deb.toString())
                .lines()
                .map(l -> l.substring(l.indexOf("./") + 1))
                .filter(p -> !p.endsWith("/"))
                .toList();
        assertThat(packaged)
                .contains(
                        "/opt/speglar/bin/speglar",
                        "/opt/speglar/bin/speglar-agent",
                        "/opt/speglar/lib/app/speglar-agent.aot",
                        "/opt/speglar/lib/app/native/libnetty_transport_native_epoll_x86_64.so",
                        "/opt/speglar/lib/app/doc/LICENSE",
                        "/opt/speglar/lib/app/doc/NOTICE",
                        "/opt/speglar/lib/app/doc/THIRD-PARTY.txt",
                        "/opt/speglar/share/doc/copyright");
        assertThat(packaged).noneMatch(p -> p.startsWith("/opt/speglar/lib/runtime/") && p.contains("/jmods/"));
        assertThat(Exec.check(CMD, "dpkg-deb", "-f", deb.toString(), "Depends").strip())
                .isEqualTo("libc6");
        String version = version();
        try {
            Exec.run(CMD, "dpkg", "-i", deb.toString()).check();
            // On PATH, the unit shipped but not enabled.
            assertThat(Path.of("/usr/bin/speglar")).isSymbolicLink();
            assertThat(Files.readSymbolicLink(Path.of("/usr/bin/speglar-agent")))
                    .isEqualTo(Path.of("/opt/speglar/bin/speglar-agent"));
            Path unit = Path.of("/usr/lib/systemd/system/speglar-agent.service");
            assertThat(unit).exists();
            assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/speglar-agent.service"))
                    .doesNotExist();
            Exec.Result verify = Exec.run(CMD, "systemd-analyze", "verify", unit.toString());
            assertThat(verify.exitCode()).as(verify.stderr()).isZero();
            assertThat(verify.stderr().lines().filter(l -> l.contains("speglar")))
                    .as(verify.stderr())
                    .isEmpty();

            // Licenses: Speglar's (also in jpackage's copyright file), and every bundled library's, listed exactly.
            Path doc = Path.of("/opt/speglar/lib/app/doc");
            assertThat(Files.readString(doc.resolve("LICENSE")))
                    .isEqualTo(Files.readString(repositoryRoot().resolve("LICENSE")));
            assertThat(Files.readString(doc.resolve("NOTICE"))).contains("Copyright 2026 The Speglar Authors");
            assertThat(Files.readString(Path.of("/opt/speglar/share/doc/copyright")))
                    .contains("Copyright 2026 The Speglar Authors", "Apache License", "Version 2.0");
            Set<String> shipped = packaged.stream()
                    .filter(p -> p.startsWith("/opt/speglar/lib/app/") && p.endsWith(".jar"))
                    .map(p -> p.substring(p.lastIndexOf('/') + 1))
                    .filter(j -> !j.startsWith("speglar-"))
                    .collect(Collectors.toSet());
            assertThat(shipped).hasSizeGreaterThan(50);
            assertThat(listedJars(Files.readString(doc.resolve("THIRD-PARTY.txt"))))
                    .containsExactlyInAnyOrderElementsOf(shipped);

            // No JDK anywhere on the way: the packaged runtime runs both programs, and both print the build's version.
            assertThat(noJdk("java", "-version").exitCode())
                    .as("no java on PATH")
                    .isEqualTo(127);
            Exec.Result v = noJdk("speglar", "--version");
            assertThat(v.exitCode()).as(v.stderr()).isZero();
            assertThat(v.stdout().strip()).isEqualTo("speglar " + version);
            assertThat(v.stderr())
                    .as("no JVM warnings (e.g. an unusable AOT cache)")
                    .isEmpty();
            Exec.Result av = noJdk("speglar-agent", "--version");
            assertThat(av.stdout().strip()).isEqualTo("speglar " + version);
            assertThat(av.stderr())
                    .as("the AOT cache maps cleanly after dpkg unpacked the jars")
                    .isEmpty();
            Exec.Result detect = noJdk("speglar", "detect");
            assertThat(detect.exitCode()).as(detect.stderr()).isIn(0, 3);
            assertThat(detect.stdout()).containsIgnoringCase("platform");
            Exec.Result kind = noJdk("speglar", "render", "kind");
            assertThat(kind.exitCode()).as(kind.stderr()).isZero();
            assertThat(kind.stdout()).contains("kind: Cluster", "containerdConfigPatches", "config_path");

            agentServesAPullFromContainerd();
            installsTheSystemdUnitFromThePackage();
        } finally {
            Exec.run(CMD, "dpkg", "--purge", "speglar");
        }
        // Clean removal: nothing the package or its scripts created is left.
        assertThat(Exec.run(CMD, "dpkg", "-s", "speglar").exitCode()).isNotZero();
        for (String p : packaged) assertThat(Path.of(p)).as(p).doesNotExist();
        assertThat(Path.of("/opt/speglar")).doesNotExist();
        assertThat(Path.of("/usr/bin/speglar")).doesNotExist();
        assertThat(Path.of("/usr/bin/speglar-agent")).doesNotExist();
        assertThat(Path.of("/usr/lib/systemd/system/speglar-agent.service")).doesNotExist();
    }

    /** The installed speglar-agent (no JDK) serves a private containerd's content; a second containerd pulls through it. */
    private void agentServesAPullFromContainerd() throws Exception {
        SourceNode source = SourceNode.shared();
        InetAddress ip = LoopbackAddresses.nextAddress();
        int port = LoopbackAddresses.freePort(ip);
        Path data = TempDirs.create("pkg-agent");
        List<String> argv = new ArrayList<>(noJdkEnv());
        argv.addAll(List.of(
                "speglar-agent",
                "registry",
                "--standalone",
                "--data-dir=" + data,
                "--registry-addr=" + ip.getHostAddress() + ":" + port,
                "--metrics-addr=" + ip.getHostAddress() + ":0"));
        argv.addAll(List.of(source.storeFlags()));
        String base = "http://" + ip.getHostAddress() + ":" + port;
        try (ManagedProcess agent = ManagedProcess.start("packaged-agent", argv, Map.of(), data.resolve("agent.log"))) {
            agent.awaitReady(Duration.ofSeconds(60), () -> Http.status(base + "/readyz") == 200);
            ImageFixture test = source.images.test();
            String ref = test.reference(source.registryHost());
            try (ContainerdDaemon node = PullingNode.configured(source.upstream.url(), base)) {
                node.ctr("images", "pull", "--hosts-dir", node.certsDir().toString(), ref);
                assertThat(node.imageDigest(ref)).hasValue(test.manifest().digest());
                assertHasBlobs(node, test.allBlobs());
            }
            assertThat(agent.logText()).doesNotContain("[aot]");
        } finally {
            TempDirs.deleteRecursively(data);
        }
    }

    /**
     * {@code speglar install --mode systemd} planned by the packaged installer for a scratch node root: the unit runs
     * the packaged launcher, and the agent's files come from the installer's own payload (no network, no JDK).
     */
    private void installsTheSystemdUnitFromThePackage() throws Exception {
        Path root = TempDirs.create("pkg-root");
        try {
            Files.createDirectories(root.resolve("etc/containerd"));
            List<String> argv = new ArrayList<>(List.of("speglar", "plan"));
            argv.addAll(systemdModeOn(root));
            argv.add("--agent-arg=--standalone");
            Exec.Result plan = noJdk(argv.toArray(String[]::new));
            assertThat(plan.exitCode()).as(plan.stdout() + plan.stderr()).isZero();
            assertThat(plan.stdout())
                    .contains(
                            "create /etc/systemd/system/speglar-agent.service (AGENT_UNIT)",
                            "ExecStart=/opt/speglar/bin/speglar-agent registry ",
                            "create /opt/speglar/bin/speglar-agent (AGENT_RUNTIME)",
                            "create /opt/speglar/lib/runtime/bin/java (AGENT_RUNTIME)",
                            "create /opt/speglar/lib/app/native/libnetty_transport_native_epoll_x86_64.so (AGENT_RUNTIME)")
                    .doesNotContain("speglar-installer.jar")
                    .doesNotContain("-jar ");
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    /**
     * {@code speglar install --mode systemd} run from the app-image (not from /opt/speglar) copies the agent's part
     * of it to the node; the installed unit's ExecStart must start with the agent's AOT cache accepted: the copies
     * keep the jars' mtimes, which the JVM checks against the cache. {@code -XX:AOTMode=on} makes the JVM refuse to
     * start otherwise. The agent runs in its own network namespace (the unit binds all addresses).
     */
    @Test
    void installFromTheAppImageStartsTheUnitsAgentWithItsAotCache() throws Exception {
        Path speglar = packagesDir().resolve("app-image/speglar/bin/speglar");
        assertThat(speglar).isExecutable();
        Path root = TempDirs.create("aot-root");
        Path work = TempDirs.create("aot-agent");
        try {
            Path config =
                    Files.createDirectories(root.resolve("etc/containerd")).resolve("config.toml");
            // Already mirror-ready: the install writes hosts.toml and the agent, and restarts nothing.
            Files.writeString(config, """
                    version = 2
                    [plugins."io.containerd.grpc.v1.cri".containerd]
                      discard_unpacked_layers = false
                    [plugins."io.containerd.grpc.v1.cri".registry]
                      config_path = "/etc/containerd/certs.d"
                    """);
            Path content = work.resolve("content");
            assertThat(dev.speglar.agent.Main.run("demo-image", "--out", content.toString(), "--layer-size", "300000"))
                    .isZero();
            List<String> installArgs = new ArrayList<>(List.of(speglar.toString(), "install", "--yes"));
            installArgs.addAll(systemdModeOn(root));
            installArgs.addAll(List.of(
                    "--restart-command",
                    "false",
                    "--agent-start-command",
                    "true",
                    "--agent-stop-command",
                    "true",
                    "--agent-arg=--standalone",
                    "--agent-arg=--store=oci-layout",
                    "--agent-arg=--oci-layout-dir=" + content,
                    "--agent-arg=--data-dir=" + work.resolve("data"),
                    "--agent-arg=--metrics-addr=127.0.0.1:0"));
            Exec.Result install = noJdk(installArgs.toArray(String[]::new));
            assertThat(install.exitCode())
                    .as(install.stdout() + install.stderr())
                    .isZero();
            assertThat(root.resolve("opt/speglar/lib/app/speglar-agent.aot")).exists();
            assertThat(root.resolve("opt/speglar/lib/app/doc/LICENSE")).exists();
            String execStart = Files.readAllLines(root.resolve("etc/systemd/system/speglar-agent.service")).stream()
                    .filter(l -> l.startsWith("ExecStart="))
                    .findFirst()
                    .orElseThrow()
                    .substring("ExecStart=".length());
            List<String> argv = new ArrayList<>(List.of(execStart.split(" ")));
            assertThat(argv.getFirst()).isEqualTo("/opt/speglar/bin/speglar-agent");
            assertThat(argv).contains("--registry-addr=:30020");
            // The node's /opt/speglar is root/opt/speglar here.
            argv.set(0, root + argv.getFirst());
            List<String> command = new ArrayList<>(
                    List.of("unshare", "--net", "--", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""));
            command.addAll(argv);
            try (ManagedProcess agent = ManagedProcess.start(
                    "installed-agent",
                    command,
                    Map.of("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on"),
                    work.resolve("agent.log"))) {
                agent.awaitReady(
                        Duration.ofSeconds(60),
                        () -> "200"
                                .equals(Exec.run(
                                                Duration.ofSeconds(10),
                                                "nsenter",
                                                "--net=/proc/" + agent.pid() + "/ns/net",
                                                "curl",
                                                "-s",
                                                "-o",
                                                "/dev/null",
                                                "-w",
                                                "%{http_code}",
                                                "http://127.0.0.1:30020/readyz")
                                        .stdout()));
                assertThat(agent.isAlive()).isTrue();
                assertThat(agent.logText())
                        .contains("Picked up JAVA_TOOL_OPTIONS: -XX:AOTMode=on")
                        .doesNotContain("[aot]")
                        .doesNotContain("AOT cache");
            }
        } finally {
            TempDirs.deleteRecursively(root);
            TempDirs.deleteRecursively(work);
        }
    }

    @Test
    void rpmCarriesTheSameLayoutDependsOnGlibcOnlyAndInstallsIntoAScratchRoot() throws Exception {
        Path rpm = artifact("speglar-*.x86_64.rpm");
        List<String> files =
                Exec.check(CMD, "rpm", "-qpl", rpm.toString()).lines().toList();
        assertThat(files)
                .contains(
                        "/opt/speglar/bin/speglar",
                        "/opt/speglar/bin/speglar-agent",
                        "/usr/bin/speglar",
                        "/usr/bin/speglar-agent",
                        "/usr/lib/systemd/system/speglar-agent.service",
                        "/opt/speglar/lib/app/speglar-agent.aot");
        assertThat(files).doesNotContain("/usr", "/usr/bin", "/usr/lib/systemd/system", "/opt");
        // The C library; /bin/sh is rpm's own implicit requirement for the package scripts.
        List<String> requires = Exec.check(CMD, "rpm", "-qpR", rpm.toString())
                .lines()
                .map(String::strip)
                .filter(r -> !r.startsWith("rpmlib("))
                .distinct()
                .toList();
        assertThat(requires).containsExactlyInAnyOrder("glibc", "/bin/sh");
        assertThat(Exec.check(CMD, "rpm", "-qpL", rpm.toString()).lines())
                .contains(
                        "/opt/speglar/lib/app/doc/LICENSE",
                        "/opt/speglar/lib/app/doc/NOTICE",
                        "/opt/speglar/lib/app/doc/THIRD-PARTY.txt");
        String info = Exec.check(CMD, "rpm", "-qpi", rpm.toString());
        assertThat(info).contains("Apache-2.0").contains(version().replace('-', '~'));

        Path root = TempDirs.create("rpm-root");
        try {
            Exec.run(CMD, "rpm", "--root", root.toString(), "--initdb").check();
            // --nodeps: the scratch root has no glibc package; --noscripts: nor a shell to run %post with.
            Exec.run(CMD, "rpm", "--root", root.toString(), "-i", "--nodeps", "--noscripts", rpm.toString())
                    .check();
            assertThat(root.resolve("opt/speglar/lib/runtime/bin/java")).isExecutable();
            assertThat(Files.readSymbolicLink(root.resolve("usr/bin/speglar")))
                    .isEqualTo(Path.of("/opt/speglar/bin/speglar"));
            assertThat(root.resolve("usr/lib/systemd/system/speglar-agent.service"))
                    .exists();
            assertThat(Exec.check(CMD, "rpm", "--root", root.toString(), "-q", "speglar"))
                    .startsWith("speglar-");
            Exec.run(CMD, "rpm", "--root", root.toString(), "-e", "--nodeps", "--noscripts", "speglar")
                    .check();
            assertThat(root.resolve("opt/speglar")).doesNotExist();
            assertThat(root.resolve("usr/bin/speglar")).doesNotExist();
            assertThat(root.resolve("usr/lib/systemd/system/speglar-agent.service"))
                    .doesNotExist();
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }
}

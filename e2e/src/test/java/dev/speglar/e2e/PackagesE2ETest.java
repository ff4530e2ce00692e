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
                        "/opt/speglar/lib/app/native/libnetty_transport_native_epoll_x86_64.so");
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
            Exec.Result plan = noJdk(
                    "speglar",
                    "plan",
                    "--host-root",
                    root.toString(),
                    "--mode",
                    "systemd",
                    "--containerd-version",
                    "1.7.24",
                    "--agent-arg=--standalone",
                    "--allow-unsupported-platform");
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

package dev.speglar.installer.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The agent's files a systemd install puts on the node: source on this machine, node path, mode. */
public record AgentPayload(List<Entry> entries) {

    public record Entry(Path source, String nodePath, String mode) {}

    /** Where the packages install Speglar; the unit runs {@code bin/speglar-agent} from here. */
    public static final String PACKAGE_DIR = "/opt/speglar";

    public AgentPayload {
        entries = List.copyOf(entries);
    }

    /** Nothing to copy: the agent is already where the unit runs it (the package manager owns those files). */
    public static AgentPayload none() {
        return new AgentPayload(List.of());
    }

    /** A thin agent jar and the lib/*.jar its manifest Class-Path names, for a unit that runs a JDK. */
    public static AgentPayload jar(Path jar, String nodeJar) {
        List<Entry> out = new ArrayList<>(List.of(new Entry(jar, nodeJar, "rw-r--r--")));
        Path lib = jar.toAbsolutePath().getParent().resolve("lib");
        if (Files.isDirectory(lib)) {
            String target = Path.of(nodeJar).getParent().resolve("lib").toString();
            try (Stream<Path> s = Files.list(lib)) {
                for (Path j : s.filter(p -> p.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .toList()) {
                    out.add(new Entry(j, target + "/" + j.getFileName(), "rw-r--r--"));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return new AgentPayload(out);
    }

    /**
     * The agent's part of a jpackage app-image (the one this installer runs from): its launcher, the runtime, its
     * jars, Netty's native library, its launcher configuration and AOT cache, and the licenses. The installer's own jars stay behind.
     */
    public static AgentPayload appImage(Path appRoot, String nodeDir) throws IOException {
        Path launcher = appRoot.resolve("bin/speglar-agent");
        if (!Files.isExecutable(launcher))
            throw new IOException("not a Speglar app-image (no bin/speglar-agent): " + appRoot);
        List<Entry> out = new ArrayList<>();
        for (String part : List.of(
                "bin/speglar-agent",
                "lib/libapplauncher.so",
                "lib/runtime",
                "lib/app/agent",
                "lib/app/native",
                "lib/app/speglar-agent.cfg",
                "lib/app/speglar-agent.aot",
                "lib/app/doc")) {
            Path p = appRoot.resolve(part);
            if (!Files.exists(p)) continue;
            try (Stream<Path> s = Files.walk(p)) {
                for (Path f : s.filter(Files::isRegularFile)
                        .filter(f -> !Files.isSymbolicLink(f))
                        .sorted()
                        .toList()) {
                    out.add(new Entry(
                            f,
                            nodeDir + "/" + appRoot.relativize(f),
                            Files.isExecutable(f) && !f.toString().endsWith(".so") ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        return new AgentPayload(out);
    }

    /**
     * The app-image the running installer was launched from: jpackage launchers set {@code jpackage.app-path} to
     * {@code APP/bin/speglar}. Empty when run from a jar (bin/speglar in a build tree).
     */
    public static java.util.Optional<Path> runningAppImage() {
        String launcher = System.getProperty("jpackage.app-path");
        if (launcher == null) return java.util.Optional.empty();
        Path app = Path.of(launcher).toAbsolutePath().getParent().getParent();
        return Files.isExecutable(app.resolve("bin/speglar-agent"))
                ? java.util.Optional.of(app)
                : java.util.Optional.empty();
    }
}

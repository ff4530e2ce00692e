package dev.speglar.e2e.chart;

import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One cluster node with a kubelet's job done by hand: a private containerd daemon, and the chart's containers run
 * as agent processes with the fixture's args and env. Emulated: hostPath volumes are node directories (the mount
 * paths in args are rewritten to them), the pod network is the node's own 127.0.0.x (listen addresses {@code :port}
 * bind there; container, host and node ports map to cluster-wide free ports), cluster DNS is a hosts file
 * ({@code jdk.net.hosts.file}) naming the headless services, and the read-only root is a JVM whose temp directory
 * does not exist (nothing may be written outside the mounts).
 */
final class ChartNode implements AutoCloseable {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LISTEN = Pattern.compile("^(--[a-z-]*addr)=:(\\d+)$");
    private static final Pattern PORT = Pattern.compile(":(\\d{4,5})(?![0-9])");

    final String name;
    final InetAddress ip;
    final ContainerdDaemon containerd;
    private final Path dir;
    private final Map<Integer, Integer> ports;
    private final Path hostsFile;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<ManagedProcess> processes = new ArrayList<>();

    ChartNode(String name, InetAddress ip, Map<Integer, Integer> ports, Path hostsFile) throws IOException {
        this.name = name;
        this.ip = ip;
        this.ports = ports;
        this.hostsFile = hostsFile;
        this.containerd = ContainerdDaemon.create().start();
        this.dir = containerd.dir().resolve("node");
        Files.createDirectories(dir);
    }

    String host() {
        return ip.getHostAddress();
    }

    int port(int containerOrHostPort) {
        return java.util.Objects.requireNonNull(
                ports.get(containerOrHostPort), "no port mapping for " + containerOrHostPort);
    }

    /** Where a chart hostPath lives on this node. */
    Path hostPath(String chartPath, String type) {
        Path p = switch (chartPath) {
            case "/etc/containerd/certs.d" -> containerd.certsDir();
            case "/run/containerd/containerd.sock" -> containerd.socket();
            case "/var/lib/containerd/io.containerd.content.v1.content" -> containerd.contentDir();
            default -> dir.resolve(chartPath.substring(1).replace('/', '_'));
        };
        try {
            switch (type) {
                case "Socket" -> check(Files.exists(p), chartPath + " is not a socket on " + name);
                case "Directory" -> check(Files.isDirectory(p), chartPath + " is not a directory on " + name);
                default -> Files.createDirectories(p); // DirectoryOrCreate
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    /** Starts {@code c} of workload {@code w} as the kubelet would, with this node's mounts, IP and DNS. */
    ManagedProcess start(ChartFixture.Workload w, ChartFixture.Container c, Map<String, String> volumeTypes) {
        Map<String, String> mounts = new LinkedHashMap<>();
        c.mounts()
                .forEach((mountPath, m) -> mounts.put(
                        mountPath,
                        hostPath(
                                        w.hostPaths().get(m.volume()),
                                        volumeTypes.getOrDefault(m.volume(), "DirectoryOrCreate"))
                                .toString()));
        Map<String, String> env = new LinkedHashMap<>();
        c.env()
                .forEach((k, v) -> env.put(
                        k,
                        switch (v) {
                            case "fieldRef:status.hostIP" -> host();
                            case "resourceFieldRef:limits.memory" -> Long.toString(memoryBytes(c.memoryLimit()));
                            default -> v;
                        }));
        List<String> args = new ArrayList<>();
        for (String a : c.args()) {
            for (Map.Entry<String, String> e : env.entrySet()) {
                a = a.replace("$(" + e.getKey() + ")", e.getValue());
            }
            for (String mountPath : mounts.keySet().stream()
                    .sorted(Comparator.comparingInt(String::length).reversed())
                    .toList()) {
                a = a.replace(mountPath, mounts.get(mountPath));
            }
            Matcher listen = LISTEN.matcher(a);
            if (listen.matches()) {
                a = listen.group(1) + "=" + host() + ":" + port(Integer.parseInt(listen.group(2)));
            } else {
                a = PORT.matcher(a)
                        .replaceAll(m -> ":"
                                + (ports.containsKey(Integer.parseInt(m.group(1)))
                                        ? port(Integer.parseInt(m.group(1)))
                                        : Integer.parseInt(m.group(1))));
            }
            args.add(a);
        }
        List<String> cmd =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        cmd.add("@" + REPO.resolve("packaging/agent-jvm.options"));
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-Djdk.net.hosts.file=" + hostsFile,
                "-cp",
                agentClassPath()));
        if (c.readOnlyRootFilesystem()) {
            cmd.add("-Djava.io.tmpdir=/nonexistent/read-only-root");
        }
        cmd.add("dev.speglar.agent.Main");
        cmd.addAll(args);
        ManagedProcess p = ManagedProcess.start(
                w.name() + "/" + c.name() + "@" + name,
                cmd,
                env,
                dir.resolve("logs/" + w.name() + "-" + c.name() + "-" + processes.size() + ".log"));
        processes.add(p);
        return p;
    }

    /** Runs an init container to completion; a kubelet would not start the pod's containers otherwise. */
    void runInit(ChartFixture.Workload w, ChartFixture.Container c, Map<String, String> volumeTypes) {
        ManagedProcess p = start(w, c, volumeTypes);
        int code = p.awaitExit(Duration.ofSeconds(60));
        check(code == 0, w.name() + "/" + c.name() + " on " + name + " exited " + code + ":\n" + p.logTail(3000));
    }

    /** GET {@code path} on this node's IP and the mapped {@code containerPort}; status, or -1 if nothing answers. */
    int probe(int containerPort, String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://" + host() + ":" + port(containerPort) + path))
                                    .timeout(Duration.ofSeconds(1))
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

    HttpResponse<byte[]> get(int containerPort, String pathAndQuery, String method) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://" + host() + ":" + port(containerPort) + pathAndQuery))
                        .header(
                                "Accept",
                                "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
                                        + "application/vnd.docker.distribution.manifest.v2+json")
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(15))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code ctr image pull} through this node's hosts directory, as containerd's CRI plugin would resolve it. */
    dev.speglar.testkit.Exec.Result pull(String ref) {
        return containerd.ctrResult(
                "image",
                "pull",
                "--plain-http",
                "--hosts-dir",
                containerd.certsDir().toString(),
                ref);
    }

    /** The test's class path without test classes: their logback-test.xml would replace the agent's JSON logging. */
    private static String agentClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes") && !e.endsWith("test-classes/"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    static long memoryBytes(String quantity) {
        if (quantity.endsWith("Mi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) << 20;
        }
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) << 30;
        }
        return Long.parseLong(quantity);
    }

    @Override
    public void close() {
        processes.reversed().forEach(ManagedProcess::close);
        containerd.close();
    }
}

package dev.speglar.installer.install;

import dev.speglar.installer.containerd.EffectiveConfig;
import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * End-to-end health of an installed node: effective containerd config (through {@code containerd config dump}),
 * hosts.toml pointing at the mirror, the daemon and its CRI plugin, agent readiness, and a manifest HEAD through
 * the agent the way containerd asks for it.
 */
public final class Doctor {

    public enum Status {
        OK,
        FAIL,
        SKIP
    }

    public record Check(String name, Status status, String detail) {
        @Override
        public String toString() {
            return String.format("%-4s %s: %s", status, name, detail);
        }
    }

    private static final String MANIFEST_ACCEPT = String.join(
            ", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final HostRoot root;
    private final ContainerdTarget target;
    private final CandidateDump dump;
    private final ContainerdProbe probe;
    private final List<URI> mirrors;
    private final String checkImage;
    /** Limit for each local step (a config dump takes well under a second). */
    static final Duration LOCAL_LIMIT = Duration.ofSeconds(4);
    /** Limit for the daemon and agent checks together: keeps a run where nothing answers under 10 s. */
    static final Duration NETWORK_LIMIT = Duration.ofSeconds(4);
    /** How long the doctor's containerd probe retries a socket that exists but does not answer. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

    public Doctor(
            HostRoot root,
            ContainerdTarget target,
            CandidateDump dump,
            ContainerdProbe probe,
            List<URI> mirrors,
            String checkImage) {
        this.root = root;
        this.target = target;
        this.dump = dump;
        this.probe = probe;
        this.mirrors = List.copyOf(mirrors);
        this.checkImage = checkImage;
    }

    public List<Check> run() {
        return run(CheckRunner.Listener.NONE);
    }

    /**
     * Runs every check, reporting each to {@code listener} as it finishes: first the local ones (effective config,
     * hosts.toml), then the daemon and the agents concurrently. Bounded: {@link #LOCAL_LIMIT} + 1 s + {@link
     * #NETWORK_LIMIT} at most, when nothing answers.
     */
    public List<Check> run(CheckRunner.Listener listener) {
        List<Check> out = new ArrayList<>();
        String[] hostsDir = {null};
        out.addAll(CheckRunner.run(
                List.of(new CheckRunner.Task(
                        "containerd config", "containerd config dump of " + target.configFile(), () -> {
                            EffectiveConfig c = dump.dump(target.configFile(), Map.of());
                            hostsDir[0] = c.configPath();
                            return configCheck(c);
                        })),
                LOCAL_LIMIT,
                listener));
        out.addAll(CheckRunner.run(
                List.of(new CheckRunner.Task("hosts.toml", "reading " + hostsDir[0], () -> hostsCheck(hostsDir[0]))),
                Duration.ofSeconds(1),
                listener));
        List<CheckRunner.Task> network = new ArrayList<>();
        network.add(new CheckRunner.Task("containerd daemon", "containerd at " + probe.socket(), this::daemonCheck));
        for (URI m : mirrors) {
            URI ready = m.resolve("/readyz");
            network.add(new CheckRunner.Task(
                    "agent ready " + m, "GET " + ready, () -> get("agent ready " + m, ready, "GET", null)));
            network.add(new CheckRunner.Task(
                    "agent findings " + m, "GET " + m.resolve("/readyz?verbose"), () -> agentFindings(m)));
        }
        if (checkImage == null) {
            Check skip = new Check(
                    "pull through mirror",
                    Status.SKIP,
                    "pass --check-image <image> for a manifest HEAD through the agent");
            out.add(skip);
            listener.finished(skip);
        } else {
            for (URI m : mirrors) {
                try {
                    ImageRef ref = ImageRef.parse(checkImage);
                    URI u = URI.create(m + "/v2/" + ref.repository() + "/manifests/" + ref.reference() + "?ns="
                            + java.net.URLEncoder.encode(
                                    ref.registry(), StandardCharsets.UTF_8)); // as containerd sends it
                    network.add(new CheckRunner.Task(
                            "pull through mirror " + m,
                            "HEAD " + u,
                            () -> get("pull through mirror " + m, u, "HEAD", MANIFEST_ACCEPT)));
                } catch (IllegalArgumentException e) {
                    Check bad = new Check("pull through mirror", Status.FAIL, e.getMessage());
                    out.add(bad);
                    listener.finished(bad);
                }
            }
        }
        out.addAll(CheckRunner.run(network, NETWORK_LIMIT, listener));
        return out;
    }

    private Check configCheck(EffectiveConfig c) {
        String hostsDir = c.configPath();
        List<String> problems = new ArrayList<>();
        if (hostsDir.isBlank()) problems.add("config_path is not set");
        else if (hostsDir.contains(":")
                && target.version().hasTransferServicePull()
                && !Boolean.TRUE.equals(c.useLocalImagePull())) {
            problems.add("config_path is a list, which the 2.1+ transfer service reads as one directory");
        }
        if (!Boolean.FALSE.equals(c.discardUnpackedLayers())) problems.add("discard_unpacked_layers is true");
        if (c.criDisabled()) problems.add("CRI plugin disabled");
        return problems.isEmpty()
                ? new Check(
                        "containerd config",
                        Status.OK,
                        "config_path=" + hostsDir + ", discard_unpacked_layers=false"
                                + (c.useLocalImagePull() == null
                                        ? ""
                                        : ", use_local_image_pull=" + c.useLocalImagePull()))
                : new Check("containerd config", Status.FAIL, String.join("; ", problems));
    }

    /** A missing or non-socket file fails at once: waiting cannot make a daemon appear. */
    private Check daemonCheck() {
        Path socket = Path.of(probe.socket());
        try {
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class);
            if (!a.isOther()) {
                return new Check("containerd daemon", Status.FAIL, socket + " is not a socket");
            }
        } catch (NoSuchFileException e) {
            return new Check(
                    "containerd daemon",
                    Status.FAIL,
                    "no socket at " + socket
                            + ": containerd is not running there (start it, or pass --containerd-socket)");
        } catch (IOException e) {
            return new Check("containerd daemon", Status.FAIL, "cannot stat " + socket + ": " + e.getMessage());
        }
        try {
            probe.verify();
            return new Check(
                    "containerd daemon", Status.OK, probe.serverVersion().replaceAll("\\s+", " "));
        } catch (IOException e) {
            return new Check("containerd daemon", Status.FAIL, e.getMessage());
        }
    }

    private Check hostsCheck(String hostsDir) {
        if (hostsDir == null || hostsDir.isBlank() || hostsDir.contains(":")) {
            return new Check("hosts.toml", Status.FAIL, "no single hosts directory configured");
        }
        Path dir = root.resolve(hostsDir);
        List<String> pointing = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                Path f = p.resolve("hosts.toml");
                if (!Files.isRegularFile(f)) continue;
                String text = Files.readString(f, StandardCharsets.UTF_8);
                if (mirrors.stream().anyMatch(m -> text.contains("'" + m + "'") || text.contains("\"" + m + "\""))) {
                    pointing.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            return new Check("hosts.toml", Status.FAIL, "cannot read " + hostsDir + ": " + e.getMessage());
        }
        return pointing.isEmpty()
                ? new Check("hosts.toml", Status.FAIL, "no hosts.toml under " + hostsDir + " points at " + mirrors)
                : new Check("hosts.toml", Status.OK, hostsDir + "/{" + String.join(",", pointing) + "} -> " + mirrors);
    }

    private Check get(String name, URI uri, String method, String accept) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .timeout(HTTP_TIMEOUT)
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (accept != null) b.header("Accept", accept);
            HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
            String digest = r.headers().firstValue("Docker-Content-Digest").orElse("");
            if (r.statusCode() != 200)
                return new Check(name, Status.FAIL, method + " " + uri + " -> " + r.statusCode());
            return new Check(
                    name, Status.OK, method + " " + uri.getPath() + " -> 200" + (digest.isEmpty() ? "" : " " + digest));
        } catch (IOException e) {
            return new Check(name, Status.FAIL, method + " " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(name, Status.FAIL, "interrupted");
        }
    }

    /** What the agent itself found wrong with containerd ({@code [!]} lines of its {@code /readyz?verbose}). */
    private Check agentFindings(URI mirror) {
        String name = "agent findings " + mirror;
        URI uri = mirror.resolve("/readyz?verbose");
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return findings(name, r.body());
        } catch (IOException e) {
            return new Check(name, Status.SKIP, "GET " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(name, Status.FAIL, "interrupted");
        }
    }

    /** FAIL listing the agent's {@code [!]} findings; OK when there are none (an older agent answers an empty body). */
    static Check findings(String name, String verboseReadyz) {
        List<String> found = verboseReadyz
                .lines()
                .filter(l -> l.startsWith("[!]"))
                .map(l -> l.substring(3))
                .toList();
        return found.isEmpty()
                ? new Check(name, Status.OK, "none reported")
                : new Check(name, Status.FAIL, String.join("; ", found));
    }

    /** Just enough image reference parsing for the doctor's HEAD request. */
    record ImageRef(String registry, String repository, String reference) {
        static ImageRef parse(String ref) {
            if (ref.isBlank() || ref.contains(" "))
                throw new IllegalArgumentException("invalid image reference: '" + ref + "'");
            String rest = ref;
            String registry = "docker.io";
            int slash = rest.indexOf('/');
            if (slash > 0) {
                String first = rest.substring(0, slash);
                if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                    registry = first;
                    rest = rest.substring(slash + 1);
                }
            }
            String reference = "latest";
            int at = rest.indexOf('@');
            if (at >= 0) {
                reference = rest.substring(at + 1);
                rest = rest.substring(0, at);
            } else {
                int colon = rest.lastIndexOf(':');
                if (colon > rest.lastIndexOf('/')) {
                    reference = rest.substring(colon + 1);
                    rest = rest.substring(0, colon);
                }
            }
            if (registry.equals("docker.io") && !rest.contains("/")) rest = "library/" + rest;
            if (rest.isEmpty() || reference.isEmpty())
                throw new IllegalArgumentException("invalid image reference: '" + ref + "'");
            return new ImageRef(registry, rest, reference);
        }
    }
}

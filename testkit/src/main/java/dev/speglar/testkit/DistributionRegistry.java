package dev.speglar.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CNCF distribution registry ({@code docker-registry serve}, Debian package docker-registry) on its own loopback
 * address with filesystem storage under a temp dir. It can be stopped and started again on the same data (to prove a
 * pull did not reach upstream), and its access log is parsed into the requests it served.
 */
public final class DistributionRegistry implements AutoCloseable {
    /** One line of the access log. {@code path} includes the query string. */
    public record Request(String method, String path, int status) {}

    // Combined log format written by the registry's HTTP handler: ... "GET /v2/x HTTP/1.1" 200 123 "ref" "ua"
    private static final Pattern ACCESS = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\" (\\d{3}) ");

    private final InetSocketAddress address;
    private final Path dir;
    private final boolean ownsDir;
    private ManagedProcess process;
    private int logMark;
    private String htpasswdUser;
    private String htpasswdPassword;
    private String tokenAuthYaml;

    private DistributionRegistry(InetSocketAddress address, Path dir, boolean ownsDir) {
        this.address = address;
        this.dir = dir;
        this.ownsDir = ownsDir;
    }

    /** A registry on a fresh 127.0.0.x address with a fresh data directory. Call {@link #start()}. */
    public static DistributionRegistry create() {
        return new DistributionRegistry(LoopbackAddresses.next(), TempDirs.create("registry"), true);
    }

    public static DistributionRegistry create(InetSocketAddress address, Path dir) {
        return new DistributionRegistry(address, dir, false);
    }

    /**
     * From the next {@link #start()} on, every request needs HTTP basic auth as {@code user}:{@code password}
     * (distribution's htpasswd auth, bcrypt from {@code htpasswd}, Debian apache2-utils); null turns it off again.
     */
    public DistributionRegistry basicAuth(String user, String password) {
        this.htpasswdUser = user;
        this.htpasswdPassword = password;
        return this;
    }

    /**
     * From the next {@link #start()} on, every request needs a Bearer token from {@code realm} (distribution's token
     * auth): JWTs from {@code issuer} for {@code service}, signed by a key whose certificate is in {@code rootCerts}.
     */
    public DistributionRegistry tokenAuth(String realm, String service, String issuer, Path rootCerts) {
        this.tokenAuthYaml = """
          auth:
            token:
              realm: %s
              service: %s
              issuer: %s
              rootcertbundle: %s
          """.formatted(realm, service, issuer, rootCerts);
        return this;
    }

    public DistributionRegistry start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        Path config = writeConfig();
        process = ManagedProcess.start(
                "docker-registry@" + hostPort(),
                List.of("docker-registry", "serve", config.toString()),
                Map.of(),
                dir.resolve("registry.log"));
        int ready = htpasswdUser == null && tokenAuthYaml == null ? 200 : 401;
        process.awaitReady(Duration.ofSeconds(20), () -> Http.status(url() + "/v2/") == ready);
        return this;
    }

    private Path writeConfig() {
        try {
            Files.createDirectories(dir.resolve("data"));
            String yaml = """
          version: 0.1
          log:
            level: info
            formatter: text
            accesslog:
              disabled: false
          storage:
            filesystem:
              rootdirectory: %s
            delete:
              enabled: true
            cache:
              blobdescriptor: inmemory
          http:
            addr: %s
            headers:
              X-Content-Type-Options: [nosniff]
          health:
            storagedriver:
              enabled: false
          """.formatted(dir.resolve("data"), hostPort());
            if (htpasswdUser != null) {
                Tools.require("htpasswd");
                Path users = dir.resolve("htpasswd");
                Files.writeString(
                        users, Exec.check(Duration.ofSeconds(20), "htpasswd", "-Bbn", htpasswdUser, htpasswdPassword));
                yaml += """
          auth:
            htpasswd:
              realm: speglar-test
              path: %s
          """.formatted(users);
            } else if (tokenAuthYaml != null) {
                yaml += tokenAuthYaml;
            }
            Path config = dir.resolve("config.yml");
            Files.writeString(config, yaml);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the daemon, keeping its data for a later {@link #start()}. */
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(5));
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** "127.0.0.x:port": the registry host as it appears in image references and in containerd's {@code ns=}. */
    public String hostPort() {
        return LoopbackAddresses.hostPort(address);
    }

    public String url() {
        return "http://" + hostPort();
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    /** Every request in the access log, in order, across restarts. */
    public List<Request> requests() {
        Path log = dir.resolve("registry.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        List<Request> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = ACCESS.matcher(line);
                if (m.find()) {
                    out.add(new Request(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Remembers the current end of the access log; {@link #requestsSinceMark()} returns what came after it. */
    public void markLog() {
        logMark = requests().size();
    }

    public List<Request> requestsSinceMark() {
        List<Request> all = requests();
        return List.copyOf(all.subList(Math.min(logMark, all.size()), all.size()));
    }

    @Override
    public void close() {
        stop();
        if (ownsDir) {
            TempDirs.deleteRecursively(dir);
        }
    }
}

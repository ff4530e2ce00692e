package dev.speglar.registry.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS between agents from a directory holding {@code ca.crt}, {@code tls.crt} and {@code tls.key} (PEM, the
 * key PKCS#8; the file names {@code --http-bootstrap-cert-dir} uses). Peers must present a certificate signed by the
 * CA, and so must we. The files are re-read when they change (checked every few seconds), so rotated certificates
 * apply to new connections without a restart; a broken rotation keeps the previous ones and is logged.
 */
public final class PeerTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerTls.class);
    private static final List<String> FILES = List.of("ca.crt", "tls.crt", "tls.key");

    private final Path dir;
    private final ScheduledExecutorService watcher;
    private volatile Contexts contexts;
    private volatile List<FileTime> stamps;

    private record Contexts(SslContext server, SslContext client) {}

    private PeerTls(Path dir, long checkMillis) {
        this.dir = dir;
        this.stamps = stamps();
        this.contexts = load();
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "speglar-peer-tls");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
    }

    /** Loads the directory (failing clearly if a file is missing or invalid) and watches it. */
    public static PeerTls load(Path dir, java.time.Duration check) {
        Objects.requireNonNull(dir, "dir");
        return new PeerTls(dir, Math.max(10, check.toMillis()));
    }

    public SslContext server() {
        return contexts.server();
    }

    public SslContext client() {
        return contexts.client();
    }

    private Contexts load() {
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException(
                        "peer TLS directory " + dir + " needs " + FILES + "; " + f + " is missing");
            }
        }
        var ca = dir.resolve("ca.crt").toFile();
        var crt = dir.resolve("tls.crt").toFile();
        var key = dir.resolve("tls.key").toFile();
        try {
            SslContext server = SslContextBuilder.forServer(crt, key)
                    .trustManager(ca)
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
            // Peers are dialed by IP: the CA vouches for the agent, no host name to check.
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(crt, key)
                    .trustManager(ca)
                    .endpointIdentificationAlgorithm(null)
                    .build();
            return new Contexts(server, client);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("invalid peer TLS files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private List<FileTime> stamps() {
        try {
            return List.of(
                    Files.getLastModifiedTime(dir.resolve("ca.crt")),
                    Files.getLastModifiedTime(dir.resolve("tls.crt")),
                    Files.getLastModifiedTime(dir.resolve("tls.key")));
        } catch (IOException e) {
            return List.of();
        }
    }

    private void reloadIfChanged() {
        List<FileTime> now = stamps();
        if (now.isEmpty() || now.equals(stamps)) {
            return;
        }
        stamps = now;
        try {
            contexts = load();
            log.info("reloaded peer TLS certificates from {}", dir);
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("dir", dir)
                    .log("peer TLS files changed but cannot be loaded; keeping the previous ones: " + e.getMessage());
        }
    }

    /** For tests: re-reads the files now if they changed. */
    public void checkNow() {
        reloadIfChanged();
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}

package dev.speglar.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** nginx serving one directory with sendfile on its own loopback address: the zero-copy baseline for benchmarks. */
public final class NginxServer implements AutoCloseable {
    private final InetSocketAddress address;
    private final Path root;
    private final Path dir;
    private ManagedProcess process;

    private NginxServer(InetSocketAddress address, Path root) {
        this.address = address;
        this.root = root;
        this.dir = TempDirs.create("nginx");
    }

    /** Serves {@code root} (files by relative path) on a fresh 127.0.0.x address. Call {@link #start()}. */
    public static NginxServer serving(Path root) {
        return new NginxServer(LoopbackAddresses.next(), root.toAbsolutePath());
    }

    public NginxServer start() {
        String conf = """
        # "user" only matters when run as root: workers must be able to read files in 0700 temp dirs.
        user root;
        worker_processes 1;
        daemon off;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 1024; }
        http {
          access_log off;
          sendfile on;
          tcp_nopush on;
          keepalive_requests 1000000;
          default_type application/octet-stream;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          server {
            listen %2$s;
            root %3$s;
          }
        }
        """.formatted(dir, LoopbackAddresses.hostPort(address), root);
        try {
            Files.writeString(dir.resolve("nginx.conf"), conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = ManagedProcess.start(
                "nginx@" + LoopbackAddresses.hostPort(address),
                List.of(
                        "nginx",
                        "-e",
                        dir.resolve("error.log").toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString()),
                Map.of(),
                dir.resolve("stdout.log"));
        process.awaitReady(Duration.ofSeconds(15), () -> Http.status(url() + "/") > 0);
        return this;
    }

    public String url() {
        return "http://" + LoopbackAddresses.hostPort(address);
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The master process id (the worker is its child). */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(Duration.ofSeconds(5));
        }
        TempDirs.deleteRecursively(dir);
    }
}

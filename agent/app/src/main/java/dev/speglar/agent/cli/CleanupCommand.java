package dev.speglar.agent.cli;

import com.sun.net.httpserver.HttpServer;
import dev.speglar.agent.Signals;
import dev.speglar.agent.hosts.MirrorConfiguration;
import dev.speglar.p2p.host.ListenAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Restores the node's original mirror configuration, then answers readiness probes so an uninstall can wait until
 * every node is restored.
 */
@Command(
        name = "cleanup",
        mixinStandardHelpOptions = true,
        description = "Restore the original hosts.toml configuration, then serve /readyz until stopped.")
public final class CleanupCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(CleanupCommand.class);

    @Option(
            names = "--addr",
            required = true,
            defaultValue = "${env:ADDR}",
            description = "Probe listen address, e.g. :8080.")
    String addr;

    @Option(
            names = "--containerd-registry-config-path",
            defaultValue = "${env:CONTAINERD_REGISTRY_CONFIG_PATH:-/etc/containerd/certs.d}")
    Path configPath;

    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        new MirrorConfiguration(configPath).cleanup();
        HttpServer server = HttpServer.create(ListenAddress.parse(addr), 16);
        server.createContext("/", ex -> {
            boolean ok = ex.getRequestURI().getPath().equals("/readyz")
                    || ex.getRequestMethod().equals("GET");
            ex.sendResponseHeaders(ok ? 200 : 404, -1);
            ex.close();
        });
        server.start();
        log.info("waiting to be shutdown");
        // SIGTERM ends it gracefully with exit 0, as upstream (a shutdown hook would leave exit status 143).
        try (AutoCloseable signals = Signals.onTermination(stop::countDown)) {
            stop.await();
        } finally {
            server.stop(1);
        }
        return 0;
    }
}

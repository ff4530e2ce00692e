package dev.speglar.agent.cli;

import com.sun.net.httpserver.HttpServer;
import dev.speglar.agent.hosts.MirrorConfiguration;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Restores the node's original mirror configuration, then answers readiness probes so an uninstall can wait until
 * every node is restored.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
    description = "Restore the original hosts.toml configuration, then serve /readyz until stopped.")
public final class CleanupCommand implements Callable<Integer> {

  @Option(names = "--addr", required = true, defaultValue = "${env:ADDR}", description = "Probe listen address, e.g. :8080.")
  String addr;

  @Option(names = "--containerd-registry-config-path", defaultValue = "${env:CONTAINERD_REGISTRY_CONFIG_PATH:-/etc/containerd/certs.d}")
  Path configPath;

  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    new MirrorConfiguration(configPath).cleanup();
    HttpServer server = HttpServer.create(Addresses.parse(addr), 16);
    server.createContext("/", ex -> {
      boolean ok = ex.getRequestURI().getPath().equals("/readyz") || ex.getRequestMethod().equals("GET");
      ex.sendResponseHeaders(ok ? 200 : 404, -1);
      ex.close();
    });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      server.stop(0);
    }));
    stop.await();
    return 0;
  }
}

package dev.speglar.agent.cli;

import dev.speglar.agent.Signals;
import dev.speglar.agent.cleanup.CleanupWait;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Helm post-delete hook Pod: waits until every {@code cleanup} pod behind {@code --probe-endpoint} reports its
 * node restored, so {@code helm uninstall} returns only then. Exits 0 when done; termination before that exits 1.
 */
@Command(
        name = "cleanup-wait",
        mixinStandardHelpOptions = true,
        description = "Wait until all cleanup pods behind a headless service answer /readyz.")
public final class CleanupWaitCommand implements Callable<Integer> {

    @Option(
            names = "--probe-endpoint",
            required = true,
            defaultValue = "${env:PROBE_ENDPOINT}",
            description = "host:port of the cleanup pods (a headless service name resolving to all of them).")
    String probeEndpoint;

    @Option(
            names = "--threshold",
            defaultValue = "${env:THRESHOLD:-3}",
            description = "Consecutive all-ready rounds needed (default: ${DEFAULT-VALUE}).")
    int threshold;

    @Option(
            names = "--period",
            defaultValue = "${env:PERIOD:-2s}",
            description = "Time between rounds (default: ${DEFAULT-VALUE}).")
    Duration period;

    @Override
    public Integer call() throws Exception {
        CleanupWait wait = new CleanupWait(probeEndpoint, period, threshold, InetAddress::getAllByName);
        Thread main = Thread.currentThread();
        try (AutoCloseable signals = Signals.onTermination(main::interrupt)) {
            wait.run();
        } catch (InterruptedException e) {
            throw new IllegalStateException("context canceled");
        }
        return 0;
    }
}

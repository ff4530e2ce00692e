package dev.speglar.agent;

import dev.speglar.agent.cli.CleanupCommand;
import dev.speglar.agent.cli.CleanupWaitCommand;
import dev.speglar.agent.cli.ConfigurationCommand;
import dev.speglar.agent.cli.GoDuration;
import dev.speglar.agent.cli.RegistryCommand;
import dev.speglar.agent.cli.VersionCommand;
import dev.speglar.agent.demo.DemoImageCommand;
import dev.speglar.agent.logging.LogLevels;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Entry point of {@code speglar-agent}; subcommands and flags follow upstream Spegel so it can be swapped in. */
@Command(
        name = "speglar-agent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Stateless cluster-local OCI registry mirror (Spegel-compatible).",
        subcommands = {
            RegistryCommand.class,
            ConfigurationCommand.class,
            CleanupCommand.class,
            CleanupWaitCommand.class,
            VersionCommand.class,
            DemoImageCommand.class
        })
public final class Main implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(
            names = "--log-level",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:LOG_LEVEL:-INFO}",
            description = "DEBUG, INFO, WARN or ERROR (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                new CommandLine(this),
                "unknown subcommand: specify one of registry, configuration, cleanup, cleanup-wait, version");
    }

    public static void main(String[] args) {
        // Netty's default is 2 event loops per CPU: 128 threads on a 64-core node for a mostly idle agent, and on a
        // single CPU two loops time-slice each other (4 ms scheduler ticks in the tail). At most 2, never more than the
        // CPUs the JVM may use (affinity and cgroup quota); set before any Netty class reads it. -D overrides.
        if (System.getProperty("io.netty.eventLoopThreads") == null) {
            System.setProperty(
                    "io.netty.eventLoopThreads",
                    Integer.toString(Math.min(2, Runtime.getRuntime().availableProcessors())));
        }
        // Netty 4.2 runs queued tasks for up to 1 s before it looks at sockets again; socket writes that used up their
        // spin count continue as such tasks, so while blobs stream, a new connection (a kubelet probe) waited seconds.
        // 100 ms is Netty's floor.
        if (System.getProperty("io.netty.eventLoop.maxTaskProcessingQuantumMs") == null) {
            System.setProperty("io.netty.eventLoop.maxTaskProcessingQuantumMs", "100");
        }
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this in-process). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.registerConverter(Duration.class, new GoDuration());
        cl.setExecutionStrategy(pr -> {
            Object top = pr.commandSpec().root().userObject();
            if (top instanceof Main m) {
                LogLevels.apply(m.logLevel);
            }
            int rc = new CommandLine.RunLast().execute(pr);
            // Upstream's last line on success, for every subcommand but version (and not after --help output).
            List<CommandLine> cmds = pr.asCommandLineList();
            CommandLine last = cmds.getLast();
            boolean helpOnly = cmds.stream().anyMatch(c -> c.isUsageHelpRequested() || c.isVersionHelpRequested());
            if (rc == 0 && !helpOnly && last != cl && !(last.getCommand() instanceof VersionCommand)) {
                log.info("exit gracefully");
            }
            return rc;
        });
        cl.setExecutionExceptionHandler((e, cmd, pr) -> {
            log.atError()
                    .addKeyValue("err", String.valueOf(e.getMessage()))
                    .setCause(log.isDebugEnabled() ? e : null)
                    .log("exit with error");
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"speglar " + VersionCommand.version()};
        }
    }
}

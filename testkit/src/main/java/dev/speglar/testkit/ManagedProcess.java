package dev.speglar.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A long-running child process (daemon) with its stdout+stderr in a log file. Stopping sends SIGTERM, waits a bounded
 * time, then SIGKILLs the process and every descendant it started (containerd shims, dockerd's containerd). Every live
 * process is also killed by a JVM shutdown hook, so a crashed test run leaves nothing behind.
 */
public final class ManagedProcess implements AutoCloseable {
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(ManagedProcess::close), "speglar-testkit-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command}, appending its output to {@code log}. */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, Tools.require(command.getFirst()).toString());
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder pb = new ProcessBuilder(resolved)
                    .redirectErrorStream(true)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            ManagedProcess mp = new ManagedProcess(name, pb.start(), log);
            LIVE.add(mp);
            return mp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + resolved, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the process to end by itself and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        name + " still running after " + timeout + "; log " + log + ":\n" + logTail(4000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    /** Exit code after {@link #stop} or the process's own end. */
    public int exitValue() {
        return process.exitValue();
    }

    public Path logFile() {
        return log;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Last {@code n} characters of the log, for failure messages. */
    public String logTail(int n) {
        String text = logText();
        return text.length() <= n ? text : "..." + text.substring(text.length() - n);
    }

    /**
     * Waits until {@code ready} holds, failing fast (with the log) if the process exits first, and failing with the log
     * after {@code timeout}.
     */
    public void awaitReady(Duration timeout, BooleanSupplier ready) {
        try {
            Awaitility.await(name + " ready")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptionsMatching(e -> !(e instanceof ProcessDiedException))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new ProcessDiedException();
                        }
                        return ready.getAsBoolean();
                    });
        } catch (ConditionTimeoutException | ProcessDiedException e) {
            String why = process.isAlive() ? "not ready within " + timeout : "exited with " + process.exitValue();
            close();
            throw new IllegalStateException(name + " " + why + "; log " + log + ":\n" + logTail(4000), e);
        }
    }

    /** Sends SIGTERM and waits up to {@code grace} for a clean exit; then kills forcibly. Idempotent. */
    public void stop(Duration grace) {
        List<ProcessHandle> children = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        LIVE.remove(this);
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** Thrown inside the readiness poll when the process is gone; Awaitility must not swallow it. */
    private static final class ProcessDiedException extends RuntimeException {
        ProcessDiedException() {
            super(null, null, false, false);
        }
    }
}

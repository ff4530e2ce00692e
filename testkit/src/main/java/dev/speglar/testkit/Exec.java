package dev.speglar.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived command to completion with a bounded wait; output is captured in files, never in pipes
 *  that could fill up and block the child. */
public final class Exec {
    private Exec() {}

    /** Result of one finished command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Returns this result, or throws with the full output when the command failed. */
        public Result check() {
            if (exitCode != 0) {
                throw new CommandFailedException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr);
            }
            return this;
        }
    }

    /** A command exited non-zero. */
    public static final class CommandFailedException extends RuntimeException {
        CommandFailedException(String message) {
            super(message);
        }
    }

    public static Result run(Duration timeout, String... command) {
        return run(timeout, Map.of(), List.of(command));
    }

    /** Runs the command and throws unless it exits 0. Returns stdout. */
    public static String check(Duration timeout, String... command) {
        return run(timeout, command).check().stdout();
    }

    public static Result run(Duration timeout, Map<String, String> env, List<String> command) {
        Tools.require(command.getFirst());
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("speglar-exec", ".out");
            err = Files.createTempFile("speglar-exec", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new CommandFailedException("command timed out after " + timeout + ": " + String.join(" ", command)
                        + "\n--- stderr ---\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(
                    List.copyOf(command),
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // temp file; nothing depends on it
            }
        }
    }
}

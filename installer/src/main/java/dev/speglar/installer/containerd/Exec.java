package dev.speglar.installer.containerd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an external command with a hard time limit, capturing both streams. */
public final class Exec {

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        public String describe() {
            String err = stderr.strip();
            return "exit " + exitCode + (err.isEmpty() ? "" : ": " + err);
        }
    }

    private Exec() {}

    public static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, null);
    }

    public static Result run(List<String> command, Duration timeout, Path workDir) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) pb.directory(workDir.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, "", "cannot run " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // The child never reads stdin.
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(124, out.getNow(""), "timed out after " + timeout + ": " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(130, "", "interrupted");
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            // Bounded: a config dump is a few KiB; anything past 4 MiB is noise.
            return new String(in.readNBytes(4 << 20), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

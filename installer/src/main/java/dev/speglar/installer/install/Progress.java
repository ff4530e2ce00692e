package dev.speglar.installer.install;

import java.io.PrintWriter;

/** Prints one line per step with its outcome and duration, so an operator sees where an install stands or stopped. */
public final class Progress {

    private final PrintWriter out;
    private int step;
    private String current;
    private long started;

    public Progress(PrintWriter out) {
        this.out = out;
    }

    public static Progress silent() {
        return new Progress(new PrintWriter(PrintWriter.nullWriter()));
    }

    public void start(String what) {
        current = what;
        started = System.nanoTime();
        out.printf("[%d] %s ...%n", ++step, what);
        out.flush();
    }

    public void ok(String detail) {
        out.printf(
                "[%d] %s: ok%s (%d ms)%n",
                step,
                current,
                detail == null || detail.isEmpty() ? "" : " - " + detail,
                (System.nanoTime() - started) / 1_000_000);
        out.flush();
    }

    public void failed(String detail) {
        out.printf("[%d] %s: FAILED - %s%n", step, current, detail);
        out.flush();
    }

    public void info(String line) {
        out.println(line);
        out.flush();
    }

    public String current() {
        return current;
    }
}

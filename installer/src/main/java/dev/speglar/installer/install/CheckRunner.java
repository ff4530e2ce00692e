package dev.speglar.installer.install;

import dev.speglar.installer.install.Doctor.Check;
import dev.speglar.installer.install.Doctor.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a batch of doctor checks concurrently under one time limit. Each result is reported the moment it is known;
 * a check still running after a second is reported as waiting (with what it waits for), and one still running at the
 * limit is reported as failed and interrupted, so a node where nothing answers gets its verdict in bounded time.
 */
public final class CheckRunner {

    /** A check to run: its name, what it waits on (for the "waiting" line) and the work. */
    record Task(String name, String waitingFor, Callable<Check> work) {}

    /** Receives results and waiting notices as they happen, from the calling thread. */
    public interface Listener {
        void finished(Check check);

        void waiting(String name, String what, Duration limit);

        Listener NONE = new Listener() {
            @Override
            public void finished(Check check) {}

            @Override
            public void waiting(String name, String what, Duration limit) {}
        };
    }

    static final Duration WAITING_NOTICE = Duration.ofSeconds(1);

    private CheckRunner() {}

    static List<Check> run(List<Task> tasks, Duration limit, Listener listener) {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        ExecutorCompletionService<Check> done = new ExecutorCompletionService<>(pool);
        Map<Future<Check>, Task> pending = new LinkedHashMap<>();
        for (Task t : tasks) {
            pending.put(done.submit(t.work()), t);
        }
        List<Check> out = new ArrayList<>();
        long start = System.nanoTime();
        long notice = start + WAITING_NOTICE.toNanos();
        long deadline = start + limit.toNanos();
        Set<Task> announced = new HashSet<>();
        try {
            while (!pending.isEmpty()) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                if (now >= notice) {
                    for (Task t : pending.values()) {
                        if (announced.add(t)) {
                            listener.waiting(t.name(), t.waitingFor(), limit);
                        }
                    }
                }
                Future<Check> f = done.poll((now < notice ? notice : deadline) - now, TimeUnit.NANOSECONDS);
                if (f != null) {
                    Check c = result(pending.remove(f), f);
                    out.add(c);
                    listener.finished(c);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (var e : pending.entrySet()) {
            e.getKey().cancel(true);
            Check c = new Check(
                    e.getValue().name(),
                    Status.FAIL,
                    "no answer within " + limit.toSeconds() + " s from "
                            + e.getValue().waitingFor());
            out.add(c);
            listener.finished(c);
        }
        pool.shutdownNow(); // no wait: an interrupted check that ignores interrupts must not hold the run
        return out;
    }

    private static Check result(Task t, Future<Check> f) {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            return new Check(t.name(), Status.FAIL, cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(t.name(), Status.FAIL, "interrupted");
        }
    }
}

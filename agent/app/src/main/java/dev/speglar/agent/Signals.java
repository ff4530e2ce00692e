package dev.speglar.agent;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM/SIGINT into a graceful stop that ends with exit code 0, as upstream does (Kubernetes checks that a
 * terminated agent exits 0). A JVM shutdown hook cannot do that: exiting from a hook blocks, and the status would be
 * 143.
 */
public final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /** Runs {@code action} on SIGTERM or SIGINT until the returned registration is closed (which restores the JVM's). */
    public static AutoCloseable onTermination(Runnable action) {
        List<Runnable> restore = new ArrayList<>();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal signal = new Signal(name);
                SignalHandler previous = Signal.handle(signal, s -> {
                    log.atInfo().addKeyValue("signal", "SIG" + name).log("shutting down");
                    action.run();
                });
                restore.add(() -> Signal.handle(signal, previous));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                log.debug("cannot handle SIG{}: {}", name, e.toString());
            }
        }
        return () -> restore.forEach(Runnable::run);
    }
}

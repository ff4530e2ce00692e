package dev.speglar.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM/SIGINT into a graceful stop that ends with exit code 0, as upstream does (Kubernetes checks that a
 * terminated agent exits 0). A JVM shutdown hook cannot do that: exiting from a hook blocks, and the status would be
 * 143.
 */
final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  static void onTermination(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
          log.atInfo().addKeyValue("signal", "SIG" + name).log("shutting down");
          action.run();
        });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        log.debug("cannot handle SIG{}: {}", name, e.toString());
      }
    }
  }
}

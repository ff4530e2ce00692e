package dev.speglar.store.support;

import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code onChange} callbacks of a store. One failing subscriber does not stop the others. */
public final class Subscribers {
    private static final Logger log = LoggerFactory.getLogger(Subscribers.class);
    private final CopyOnWriteArrayList<Runnable> list = new CopyOnWriteArrayList<>();

    public AutoCloseable add(Runnable onChange) {
        java.util.Objects.requireNonNull(onChange, "onChange");
        list.add(onChange);
        return () -> list.remove(onChange);
    }

    public void fire() {
        for (Runnable r : list) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("store subscriber failed", e);
            }
        }
    }
}

package dev.speglar.registry;

import dev.speglar.routing.Router;
import dev.speglar.store.ContentStore;

/**
 * Decides {@code /readyz} and says why, so an operator reading the probe's body (or {@code kubectl describe}) knows
 * whether the node waits for peers or serves alone.
 */
public final class ReadinessCheck {
    /** @param reason one line for the probe's body */
    public record Status(boolean ready, String reason) {}

    private final Router router;
    private final ContentStore store;
    private final Readiness policy;

    /** Ready states: a node in a network, or (by policy) a node that serves alone. */
    public ReadinessCheck(Router router, ContentStore store, Readiness policy) {
        this.router = router;
        this.store = store;
        this.policy = policy;
    }

    public Status check() {
        if (router != null && router.ready()) {
            int peers = router.peers().size();
            return new Status(
                    true, "ready: " + (peers == 0 ? "no peers needed" : "connected to " + peers + " peer(s)"));
        }
        int images = localImages();
        if (policy == Readiness.ALWAYS) {
            return new Status(true, "ready: no bootstrap peers configured, serving " + images + " local image(s)");
        }
        if (policy == Readiness.ROUTER_OR_LOCAL_CONTENT) {
            return images > 0
                    ? new Status(true, "ready: no peers, serving " + images + " local image(s)")
                    : new Status(false, "not ready: no peers and no local images yet");
        }
        return new Status(
                false,
                "not ready: no peers reachable yet (bootstrap retrying)"
                        + (images > 0 ? "; " + images + " local image(s)" : ""));
    }

    private int localImages() {
        try {
            return store.images().size();
        } catch (Exception e) {
            return 0;
        }
    }
}

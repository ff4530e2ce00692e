package dev.speglar.registry;

/** What {@code /readyz} reports. */
public enum Readiness {
    /** Upstream behaviour: ready only when the router can reach other nodes (a lone node is never ready). */
    ROUTER,
    /** Also ready when this node holds images itself, so a single node serving its own content is ready. */
    ROUTER_OR_LOCAL_CONTENT,
    /** A node that has no peers to wait for (static bootstrap with an empty list): ready as soon as it serves. */
    ALWAYS
}

package dev.speglar.routing;

import java.util.Collection;
import java.util.List;

/**
 * Finds which nodes hold a key (a digest string or a {@code registry/repo:tag} name). The libp2p DHT implements it in
 * production; {@link InMemoryRouter} in tests and single-node setups.
 */
public interface Router extends AutoCloseable {

    /** True when lookups can reach other nodes (the node is part of a network). */
    boolean ready();

    /** Announces that this node holds {@code keys}. */
    void advertise(Collection<String> keys);

    /** Stops announcing {@code keys}. */
    void withdraw(Collection<String> keys);

    /** Looks up at most {@code count} providers of {@code key}, never this node itself. */
    Lookup lookup(String key, int count);

    /**
     * As {@link #lookup(String, int)}; {@code fresh} bypasses any short-lived cache of earlier lookups (after a
     * provider failed mid-transfer, or for records only milliseconds old).
     */
    default Lookup lookup(String key, int count, boolean fresh) {
        return lookup(key, count);
    }

    /** This node's id as peers see it in lookups (for tie-breaks between nodes), or empty when it has none. */
    default String selfId() {
        return "";
    }

    /** Peers currently known (routing table). */
    List<Peer> peers();

    @Override
    default void close() {}
}

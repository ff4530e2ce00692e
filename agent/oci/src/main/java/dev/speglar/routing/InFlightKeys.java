package dev.speglar.routing;

import dev.speglar.oci.Digest;

/**
 * DHT keys for content a node is still receiving. They live in their own namespace ({@code speglar-inflight:} +
 * digest, which is neither a digest nor a {@code registry/repo:tag} name), so upstream Spegel nodes store and route
 * these records like any other but never look them up: to them a node is a provider of a digest only once it holds
 * the whole blob.
 */
public final class InFlightKeys {
    static final String PREFIX = "speglar-inflight:";

    private InFlightKeys() {}

    /** The in-flight key of {@code digest}. */
    public static String of(Digest digest) {
        return PREFIX + digest;
    }
}

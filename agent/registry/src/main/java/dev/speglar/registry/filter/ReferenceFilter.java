package dev.speglar.registry.filter;

/**
 * Decides whether a reference is excluded from mirroring. Excluded requests are answered 404 so containerd goes to the
 * next host.
 */
@FunctionalInterface
public interface ReferenceFilter {

    /**
     * True if the reference is excluded.
     *
     * @param registry registry host (with port), empty for digest requests that carried no {@code ns}
     * @param repository repository name
     * @param tag the tag, or null for digest references
     */
    boolean excludes(String registry, String repository, String tag);
}

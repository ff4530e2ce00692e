package dev.speglar.oci;

import java.util.Objects;

/**
 * A fully qualified image reference: registry, repository, and a tag, a digest or both, e.g.
 * {@code docker.io/library/busybox:1.37@sha256:...}. Parsing is strict (no defaulting of registry or tag) unless
 * {@link #parseNormalized} is used.
 */
public record ImageName(String registry, String repository, String tag, Digest digest) {

    public ImageName {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (registry.isEmpty()) {
            throw new InvalidReferenceException("reference needs a registry");
        }
        if (!Names.isRepository(repository)) {
            throw new InvalidReferenceException("invalid repository name");
        }
        if (tag != null && !Names.isTag(tag)) {
            throw new InvalidReferenceException("invalid tag");
        }
        if (tag == null && digest == null) {
            throw new InvalidReferenceException("reference needs a tag or a digest");
        }
    }

    /** Parses {@code registry/repo[:tag][@digest]} with an explicit registry. */
    public static ImageName parse(String s) {
        return parse(s, false);
    }

    /** Like {@link #parse} but fills {@code docker.io}, {@code library/} and {@code latest} like the Docker CLI. */
    public static ImageName parseNormalized(String s) {
        return parse(s, true);
    }

    private static ImageName parse(String s, boolean normalize) {
        Objects.requireNonNull(s, "reference");
        if (s.contains("://") || s.isEmpty()) {
            throw new InvalidReferenceException("invalid reference format");
        }
        String rest = s;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0 && isRegistry(rest.substring(0, slash))) {
            registry = rest.substring(0, slash);
            rest = rest.substring(slash + 1);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0 && rest.indexOf('/', colon) < 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        if (registry == null) {
            if (!normalize) {
                throw new InvalidReferenceException("reference needs a registry: " + Digest.printable(s));
            }
            registry = "docker.io";
        }
        if (normalize) {
            if (registry.equals("docker.io") && !rest.contains("/")) {
                rest = "library/" + rest;
            }
            if (tag == null && digest == null) {
                tag = "latest";
            }
        }
        return new ImageName(registry, rest, tag, digest);
    }

    /** The registry test of the distribution reference grammar: a dot, a port, {@code localhost} or an IP. */
    static boolean isRegistry(String s) {
        if (s.equals("localhost") || s.contains(".") || s.startsWith("[")) {
            return true;
        }
        int colon = s.lastIndexOf(':');
        if (colon > 0) {
            String port = s.substring(colon + 1);
            return !port.isEmpty() && port.chars().allMatch(Character::isDigit);
        }
        return false;
    }

    /** {@code registry/repo:tag}; the key a tag is advertised and resolved under. Requires a tag. */
    public String tagName() {
        if (tag == null) {
            throw new IllegalStateException("no tag in " + this);
        }
        return registry + "/" + repository + ":" + tag;
    }

    /** The digest string if there is one, else {@link #tagName()}. */
    public String identifier() {
        return digest != null ? digest.toString() : tagName();
    }

    public ImageName withDigest(Digest d) {
        return new ImageName(registry, repository, tag, d);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}

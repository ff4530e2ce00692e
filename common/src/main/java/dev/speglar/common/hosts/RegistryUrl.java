package dev.speglar.common.hosts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * A registry or mirror URL as used in hosts.toml: {@code http|https://host[:port]} with no path, query or userinfo.
 * The wildcard ({@code _default} or {@code *}) is represented by {@link #WILDCARD}.
 */
public record RegistryUrl(String scheme, String host) {
    public static final RegistryUrl WILDCARD = new RegistryUrl("", "_default");

    public RegistryUrl {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
    }

    public static boolean isWildcard(String s) {
        return s.equals("_default") || s.equals("*");
    }

    /** Parses a URL, or the wildcard when {@code allowWildcard}; errors name the offending value. */
    public static RegistryUrl parse(String s, boolean allowWildcard) {
        if (isWildcard(s)) {
            if (!allowWildcard) {
                throw new IllegalArgumentException("wildcard registries are not allowed: " + s);
            }
            return WILDCARD;
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid registry url " + s + ": " + e.getMessage());
        }
        String scheme = u.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("invalid registry url scheme must be http or https: " + s);
        }
        if (u.getRawPath() != null && !u.getRawPath().isEmpty()) {
            throw new IllegalArgumentException("invalid registry url path has to be empty: " + s);
        }
        if (u.getRawQuery() != null) {
            throw new IllegalArgumentException("invalid registry url query has to be empty: " + s);
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("invalid registry url user information has to be empty: " + s);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("invalid registry url without host: " + s);
        }
        String host = u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
        return new RegistryUrl(scheme, host);
    }

    public boolean wildcard() {
        return this == WILDCARD || host.equals("_default") && scheme.isEmpty();
    }

    /** The directory name under the hosts config path. */
    public String directoryName() {
        return host;
    }

    /** The server URL written as {@code server = ...}; docker.io is served by registry-1.docker.io. */
    public String serverUrl() {
        if (host.equals("docker.io")) {
            return scheme + "://registry-1.docker.io";
        }
        return toString();
    }

    @Override
    public String toString() {
        return wildcard() ? "_default" : scheme + "://" + host;
    }

    /**
     * Wraps a bare IPv6 host in brackets, as upstream does for the first mirror target: {@code http://fc00::2:30020} →
     * {@code http://[fc00::2]:30020}.
     */
    public static String bracketIpv6(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            return url;
        }
        String rest = url.substring(schemeEnd + 3);
        if (rest.contains("[") || rest.chars().filter(c -> c == ':').count() < 2) {
            return url;
        }
        int last = rest.lastIndexOf(':');
        return url.substring(0, schemeEnd + 3) + "[" + rest.substring(0, last) + "]" + rest.substring(last);
    }
}

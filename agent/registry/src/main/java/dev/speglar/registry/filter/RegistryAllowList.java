package dev.speglar.registry.filter;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Excludes references whose registry is not one of the mirrored registries ({@code --mirrored-registries}). Digest
 * requests that carried no {@code ns} (Docker's {@code --registry-mirror}) are never excluded: a digest names the same
 * bytes whatever registry they came from.
 */
public final class RegistryAllowList implements ReferenceFilter {
    private final Set<String> hosts;

    private RegistryAllowList(Set<String> hosts) {
        this.hosts = Set.copyOf(hosts);
    }

    /**
     * Parses registry URLs such as {@code https://docker.io} or {@code http://10.0.0.1:5000}. Returns empty when the list
     * is empty or holds the wildcard {@code _default} or {@code *}, which mirror everything.
     *
     * @throws IllegalArgumentException for an entry that is not a bare http(s) URL
     */
    public static Optional<ReferenceFilter> parse(List<String> mirroredRegistries) {
        Set<String> hosts = new LinkedHashSet<>();
        int wildcards = 0;
        for (String entry : mirroredRegistries) {
            if (entry.equals("_default") || entry.equals("*")) {
                wildcards++;
                continue;
            }
            hosts.add(host(entry));
        }
        if (wildcards > 1) {
            throw new IllegalArgumentException("at most one wildcard registry (_default or *) is allowed");
        }
        return wildcards > 0 || hosts.isEmpty() ? Optional.empty() : Optional.of(new RegistryAllowList(hosts));
    }

    private static String host(String entry) {
        URI u;
        try {
            u = new URI(entry);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid mirrored registry URL " + entry + ": " + e.getReason());
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("mirrored registry " + entry + " must use http or https");
        }
        if (u.getRawAuthority() == null || u.getHost() == null) {
            throw new IllegalArgumentException("mirrored registry " + entry + " has no host");
        }
        if (u.getRawUserInfo() != null
                || u.getRawQuery() != null
                || u.getRawFragment() != null
                || !(u.getRawPath() == null || u.getRawPath().isEmpty())) {
            throw new IllegalArgumentException("mirrored registry " + entry + " must not have userinfo, path or query");
        }
        return u.getRawAuthority();
    }

    public Set<String> hosts() {
        return hosts;
    }

    @Override
    public boolean excludes(String registry, String repository, String tag) {
        if (registry.isEmpty() && tag == null) {
            return false;
        }
        return !hosts.contains(registry);
    }
}

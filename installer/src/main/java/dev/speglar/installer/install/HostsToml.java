package dev.speglar.installer.install;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders containerd {@code hosts.toml} files in the same layout the agent's {@code configuration} command uses
 * (upstream Spegel, pkg/oci/containerd/mirror.go): one directory per mirrored registry, {@code _default} for all registries.
 * The installer writes these itself so they appear in the plan and are restored byte for byte by uninstall.
 */
public final class HostsToml {

    private HostsToml() {}

    /**
     * @param registries registry URLs to mirror ({@code https://docker.io}); empty or {@code _default} means all
     * @param mirrors mirror endpoints in order of preference ({@code http://10.0.0.5:30020})
     * @return relative path ({@code docker.io/hosts.toml}) to file content
     */
    public static Map<String, String> render(List<String> registries, List<URI> mirrors, boolean resolveTags) {
        if (mirrors.isEmpty()) throw new IllegalArgumentException("at least one mirror target is required");
        for (URI m : mirrors) validate(m, "mirror target");
        List<String> regs = registries.isEmpty() ? List.of("_default") : registries;
        Map<String, String> files = new TreeMap<>();
        int wildcards = 0;
        for (String reg : regs) {
            String dir;
            String server = null;
            if (reg.equals("_default") || reg.equals("*")) {
                wildcards++;
                dir = "_default";
            } else {
                URI u = URI.create(reg);
                validate(u, "registry");
                dir = u.getRawAuthority();
                server = u.getHost().equals("docker.io") ? u.getScheme() + "://registry-1.docker.io" : reg;
            }
            if (wildcards > 1) throw new IllegalArgumentException("registries should not contain two wildcards");
            files.put(dir + "/hosts.toml", file(server, mirrors, resolveTags));
        }
        return files;
    }

    private static String file(String server, List<URI> mirrors, boolean resolveTags) {
        List<String> blocks = new ArrayList<>();
        if (server != null) blocks.add("server = '" + server + "'");
        String caps = resolveTags ? "['pull', 'resolve']" : "['pull']";
        for (URI m : mirrors) {
            blocks.add("[host.'" + m + "']\ncapabilities = " + caps);
        }
        // Same shape as the agent: blank line between blocks, trimmed, no trailing newline.
        return String.join("\n\n", blocks).strip();
    }

    private static void validate(URI u, String what) {
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("invalid " + what + " url scheme must be http or https: " + u);
        }
        if (u.getHost() == null) throw new IllegalArgumentException("invalid " + what + " url, no host: " + u);
        if (u.getRawPath() != null && !u.getRawPath().isEmpty()) throw new IllegalArgumentException("invalid " + what + " url path has to be empty: " + u);
        if (u.getRawQuery() != null || u.getRawUserInfo() != null) throw new IllegalArgumentException("invalid " + what + " url, no query or userinfo allowed: " + u);
    }
}

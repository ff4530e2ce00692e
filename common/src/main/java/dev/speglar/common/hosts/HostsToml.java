package dev.speglar.common.hosts;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders containerd {@code hosts.toml} files in upstream Spegel's exact format (spegel-org/spegel,
 * pkg/oci/containerd/mirror.go), so files are interchangeable: one directory per mirrored registry, {@code _default}
 * for all registries, {@code dial_timeout = '200ms'} per mirror so a dead mirror costs a pull 200 ms, not
 * containerd's default dial timeout. The one writer for the agent's {@code configuration} command and the installer.
 */
public final class HostsToml {

    private HostsToml() {}

    /**
     * Every file to write, validated first so bad input writes nothing.
     *
     * @param registries registry URLs to mirror ({@code https://docker.io}); empty, {@code _default} or {@code *} = all
     * @param targets mirror endpoints in order of preference ({@code http://10.0.0.5:30020})
     * @return path relative to the hosts config directory ({@code docker.io/hosts.toml}) to file content
     */
    public static Map<String, String> files(
            List<String> registries, List<String> targets, boolean resolveTags, String basicAuth) {
        List<RegistryUrl> regs = parseRegistries(registries);
        List<RegistryUrl> mirrors = parseTargets(targets);
        Map<String, String> files = new TreeMap<>();
        for (RegistryUrl r : regs) {
            files.put(r.directoryName() + "/hosts.toml", render(r, mirrors, resolveTags, basicAuth));
        }
        return files;
    }

    /** Parses {@code --mirrored-registries}; all errors in one message; empty means the wildcard. */
    public static List<RegistryUrl> parseRegistries(List<String> raw) {
        List<RegistryUrl> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int wildcards = 0;
        for (String s : raw) {
            try {
                RegistryUrl u = RegistryUrl.parse(s.trim(), true);
                wildcards += u.wildcard() ? 1 : 0;
                out.add(u);
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        if (wildcards > 1) {
            errors.add("registries should not contain two wildcards");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return out.isEmpty() ? List.of(RegistryUrl.WILDCARD) : out;
    }

    /** Parses {@code --mirror-targets}; all errors in one message. */
    public static List<RegistryUrl> parseTargets(List<String> raw) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("at least one mirror target is required (--mirror-targets)");
        }
        List<RegistryUrl> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String s = raw.get(i).trim();
            // upstream normalises only the first target: it is the node's own address from the downward API
            if (i == 0) {
                s = RegistryUrl.bracketIpv6(s);
            }
            try {
                out.add(RegistryUrl.parse(s, false));
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return out;
    }

    /**
     * @param registry the mirrored registry (or the wildcard, which gets no {@code server} line)
     * @param targets mirror endpoints, in the order containerd should try them
     * @param resolveTags whether mirrors may resolve tags
     * @param basicAuth {@code user:password} to send to the mirrors, or null
     */
    public static String render(
            RegistryUrl registry, List<RegistryUrl> targets, boolean resolveTags, String basicAuth) {
        StringBuilder sb = new StringBuilder();
        if (!registry.wildcard()) {
            sb.append("server = ").append(quote(registry.serverUrl())).append("\n\n");
        }
        String caps = resolveTags ? "['pull', 'resolve']" : "['pull']";
        for (RegistryUrl t : targets) {
            String key = "[host." + quote(t.toString());
            sb.append(key).append("]\n");
            sb.append("capabilities = ").append(caps).append('\n');
            sb.append("dial_timeout = '200ms'\n");
            if (basicAuth != null) {
                String token = Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
                sb.append(key).append(".header]\n");
                sb.append("Authorization = ").append(quote("Basic " + token)).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString().strip();
    }

    /** A TOML literal string; falls back to a basic string when the value contains a single quote or newline. */
    public static String quote(String s) {
        if (s.indexOf('\'') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return "'" + s + "'";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}

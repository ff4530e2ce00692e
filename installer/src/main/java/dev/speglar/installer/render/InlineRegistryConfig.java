package dev.speglar.installer.render;

import dev.speglar.installer.containerd.TomlKeys;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * containerd's deprecated inline registry settings ({@code registry.mirrors}, {@code registry.configs}) in a TOML
 * fragment, and the hosts.toml files that say the same. containerd refuses to load the CRI plugin when they are set
 * together with {@code config_path}, which Speglar needs, so they have to move into hosts.toml.
 */
final class InlineRegistryConfig {
    private static final List<List<String>> REGISTRY_TABLES = List.of(
            List.of("plugins", "io.containerd.grpc.v1.cri", "registry"),
            List.of("plugins", "io.containerd.cri.v1.images", "registry"));

    /** One hosts.toml: the registry directory name under config_path, its content, and what could not move. */
    record HostsFile(String registry, String text, List<String> notConverted) {}

    private InlineRegistryConfig() {}

    /** The hosts.toml files replacing the fragment's inline settings; empty when it has none. */
    static List<HostsFile> convert(String toml) {
        TomlParseResult parsed = Toml.parse(toml);
        if (parsed.hasErrors()) {
            return List.of();
        }
        Map<String, StringBuilder> hosts = new LinkedHashMap<>();
        Map<String, List<String>> lost = new LinkedHashMap<>();
        for (List<String> path : REGISTRY_TABLES) {
            TomlTable registry = parsed.getTable(path);
            if (registry == null) {
                continue;
            }
            TomlTable configs = registry.getTable(List.of("configs"));
            TomlTable mirrors = registry.getTable(List.of("mirrors"));
            if (mirrors != null) {
                for (String name : mirrors.keySet()) {
                    StringBuilder sb = hosts.computeIfAbsent(dir(name), k -> new StringBuilder());
                    TomlArray endpoints = mirrors.getArray(List.of(name, "endpoint"));
                    for (int i = 0; endpoints != null && i < endpoints.size(); i++) {
                        String endpoint = endpoints.getString(i);
                        sb.append("[host.")
                                .append(TomlKeys.string(endpoint))
                                .append("]\n")
                                .append("  capabilities = [\"pull\", \"resolve\"]\n");
                        TomlTable tls = configs == null ? null : configs.getTable(List.of(hostOf(endpoint), "tls"));
                        appendTls(sb, tls, "  ");
                    }
                }
            }
            if (configs != null) {
                for (String name : configs.keySet()) {
                    if (configs.getTable(List.of(name, "auth")) != null) {
                        lost.computeIfAbsent(dir(name), k -> new ArrayList<>())
                                .add("registry.configs."
                                        + TomlKeys.string(name)
                                        + ".auth: hosts.toml has no credentials; use an imagePullSecret or a"
                                        + " kubelet credential provider");
                    }
                    boolean isEndpoint = mirrors != null
                            && mirrors.keySet().stream().anyMatch(m -> {
                                TomlArray e = mirrors.getArray(List.of(m, "endpoint"));
                                for (int i = 0; e != null && i < e.size(); i++) {
                                    if (hostOf(e.getString(i)).equals(name)) {
                                        return true;
                                    }
                                }
                                return false;
                            });
                    TomlTable tls = configs.getTable(List.of(name, "tls"));
                    if (tls != null && !isEndpoint) {
                        StringBuilder sb = new StringBuilder("server = " + TomlKeys.string("https://" + name) + "\n");
                        appendTls(sb, tls, "");
                        StringBuilder existing = hosts.get(dir(name));
                        hosts.put(dir(name), existing == null ? sb : sb.append(existing));
                    }
                }
            }
        }
        List<HostsFile> out = new ArrayList<>();
        hosts.forEach((dir, text) -> out.add(new HostsFile(dir, text.toString(), lost.getOrDefault(dir, List.of()))));
        lost.forEach((dir, l) -> {
            if (!hosts.containsKey(dir)) {
                out.add(new HostsFile(dir, "", l));
            }
        });
        return out;
    }

    private static void appendTls(StringBuilder sb, TomlTable tls, String indent) {
        if (tls == null) {
            return;
        }
        if (tls.getString("ca_file") != null) {
            sb.append(indent)
                    .append("ca = ")
                    .append(TomlKeys.string(tls.getString("ca_file")))
                    .append('\n');
        }
        if (tls.getString("cert_file") != null) {
            String key = tls.getString("key_file");
            sb.append(indent)
                    .append("client = [[")
                    .append(TomlKeys.string(tls.getString("cert_file")))
                    .append(key == null ? "" : ", " + TomlKeys.string(key))
                    .append("]]\n");
        }
        if (Boolean.TRUE.equals(tls.getBoolean("insecure_skip_verify"))) {
            sb.append(indent).append("skip_verify = true\n");
        }
    }

    /** The hosts directory for a mirrors/configs key: "*" is containerd's catch-all, _default. */
    private static String dir(String registry) {
        return registry.equals("*") ? "_default" : registry;
    }

    private static String hostOf(String endpoint) {
        try {
            URI u = URI.create(endpoint);
            return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        } catch (IllegalArgumentException e) {
            return endpoint;
        }
    }
}

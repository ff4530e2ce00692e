package dev.speglar.installer.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's k3s/RKE2 {@code registries.yaml} with Speglar's registries added to {@code mirrors}. The fields are those
 * of rancher/wharfie's {@code pkg/registries} types (Registry{mirrors, configs, auths}, Mirror{endpoint, rewrite},
 * RegistryConfig{auth, tls}), which k3s reads without rejecting unknown keys: a misspelt key is silently ignored
 * there, so it is an error here. Existing mirrors, their endpoints and rewrites, and configs are kept as they are.
 */
public final class K3sRegistries {
    private static final Set<String> TOP = Set.of("mirrors", "configs", "auths");
    private static final Set<String> MIRROR = Set.of("endpoint", "rewrite");
    private static final Set<String> CONFIG = Set.of("auth", "tls");
    private static final Set<String> AUTH = Set.of("username", "password", "auth", "identity_token");
    private static final Set<String> TLS = Set.of("ca_file", "cert_file", "key_file", "insecure_skip_verify");

    private K3sRegistries() {}

    /**
     * The merged file: {@code userYaml} unchanged when every registry is already listed (or {@code "*"} is), else the
     * same content with the missing registries added as mirrors without endpoints (the embedded mirror serves them).
     */
    public static String merge(String userYaml, List<String> registries, String option) {
        Map<String, Object> doc = userYaml.isBlank() ? new LinkedHashMap<>() : YamlMaps.load(userYaml, option);
        List<String> problems = problems(doc);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(option + " has fields k3s's registries.yaml does not know (k3s ignores"
                    + " them silently) or of the wrong type:\n  " + String.join("\n  ", problems));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> mirrors = doc.get("mirrors") == null
                ? new LinkedHashMap<>()
                : new LinkedHashMap<>((Map<String, Object>) doc.get("mirrors"));
        List<String> missing = mirrors.containsKey("*")
                ? List.of()
                : registries.stream()
                        .distinct()
                        .filter(r -> !mirrors.containsKey(r))
                        .toList();
        if (missing.isEmpty()) {
            return userYaml;
        }
        missing.forEach(r -> mirrors.put(r, null));
        Map<String, Object> merged = new LinkedHashMap<>(doc);
        merged.put("mirrors", mirrors);
        return "# Merged by speglar render: " + String.join(", ", missing) + " added to mirrors (k3s's embedded"
                + " mirror serves every listed registry); comments of the original are not kept.\n"
                + YamlMaps.dump(merged);
    }

    /** Every unknown field or wrongly typed value, as a dotted path with the reason. */
    static List<String> problems(Map<String, Object> doc) {
        List<String> out = new ArrayList<>();
        fields(doc, TOP, "", out);
        eachEntry(doc.get("mirrors"), "mirrors", out, (path, mirror) -> {
            if (fields(mirror, MIRROR, path, out)) {
                Map<?, ?> m = (Map<?, ?>) mirror;
                if (m.get("endpoint") != null && !(m.get("endpoint") instanceof List<?> l && strings(l))) {
                    out.add(path + ".endpoint: expected a list of URLs");
                }
                if (m.get("rewrite") != null && !(m.get("rewrite") instanceof Map<?, ?> r && strings(r.values()))) {
                    out.add(path + ".rewrite: expected a map of pattern: replacement");
                }
            }
        });
        eachEntry(doc.get("configs"), "configs", out, (path, config) -> {
            if (fields(config, CONFIG, path, out)) {
                Map<?, ?> c = (Map<?, ?>) config;
                fields(c.get("auth"), AUTH, path + ".auth", out);
                fields(c.get("tls"), TLS, path + ".tls", out);
            }
        });
        eachEntry(doc.get("auths"), "auths", out, (path, auth) -> fields(auth, AUTH, path, out));
        return out;
    }

    private static boolean fields(Object value, Set<String> known, String path, List<String> out) {
        if (value == null) {
            return false;
        }
        if (!(value instanceof Map<?, ?> map)) {
            out.add((path.isEmpty() ? "(top level)" : path) + ": expected a mapping");
            return false;
        }
        map.keySet().stream()
                .filter(k -> !known.contains(String.valueOf(k)))
                .forEach(k -> out.add((path.isEmpty() ? "" : path + ".") + k + ": unknown field (known: "
                        + known.stream().sorted().toList() + ")"));
        return true;
    }

    private static void eachEntry(
            Object value, String path, List<String> out, java.util.function.BiConsumer<String, Object> each) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map<?, ?> map)) {
            out.add(path + ": expected a mapping of registry host to settings");
            return;
        }
        map.forEach((k, v) -> each.accept(path + "." + k, v));
    }

    private static boolean strings(java.util.Collection<?> values) {
        return values.stream().allMatch(v -> v instanceof String);
    }
}

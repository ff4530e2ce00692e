package dev.speglar.installer.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * The mirror-relevant settings one containerd config file declares, read with the key paths its own {@code version}
 * header selects. {@code pluginIds} lists the plugin tables the file defines, which matters because containerd 1.x
 * replaces a whole plugin table when an import defines it.
 */
record CriSettings(
        String path,
        int schema,
        Optional<String> configPath,
        Optional<Boolean> discard,
        Optional<Boolean> localPull,
        List<String> mirrors,
        Set<String> pluginIds,
        List<String> disabledPlugins,
        List<String> imports,
        List<String> problems,
        Set<String> criKeys) {

    static final String V1_CRI = "cri";
    static final String V2_CRI = "io.containerd.grpc.v1.cri";
    static final String V3_IMAGES = "io.containerd.cri.v1.images";
    static final String V3_RUNTIME = "io.containerd.cri.v1.runtime";

    static CriSettings parse(String path, String text) {
        TomlParseResult toml = Toml.parse(text);
        List<String> problems = new ArrayList<>();
        if (toml.hasErrors()) {
            toml.errors().stream().limit(3).forEach(e -> problems.add(path + ": TOML error: " + e.toString()));
            return new CriSettings(
                    path,
                    0,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    Set.of(),
                    List.of(),
                    List.of(),
                    problems,
                    Set.of());
        }
        Long version = toml.get("version") instanceof Long l ? l : null;
        int schema = version == null ? 1 : version.intValue();
        TomlTable plugins = toml.get("plugins") instanceof TomlTable t ? t : null;
        Set<String> ids = plugins == null ? Set.of() : Set.copyOf(plugins.keySet());

        Optional<String> configPath = Optional.empty();
        Optional<Boolean> discard = Optional.empty();
        Optional<Boolean> localPull = Optional.empty();
        List<String> mirrors = new ArrayList<>();
        if (schema >= 3) {
            configPath = string(toml, "plugins", V3_IMAGES, "registry", "config_path");
            discard = bool(toml, "plugins", V3_IMAGES, "discard_unpacked_layers");
            localPull = bool(toml, "plugins", V3_IMAGES, "use_local_image_pull");
            mirrors.addAll(keys(toml, "plugins", V3_IMAGES, "registry", "mirrors"));
            if (ids.contains(V2_CRI)
                    && (toml.get(List.of("plugins", V2_CRI, "registry")) != null
                            || toml.get(List.of("plugins", V2_CRI, "containerd", "discard_unpacked_layers")) != null)) {
                problems.add(path + ": version " + schema + " file uses v2 keys under [plugins.\"" + V2_CRI
                        + "\"]; containerd ignores them (use [plugins.\"" + V3_IMAGES + "\"])");
            }
        } else {
            // Files without a header are v1; v1 accepts both the short "cri" and the full plugin ID.
            String cri = schema == 1 && !ids.contains(V2_CRI) ? V1_CRI : V2_CRI;
            configPath = string(toml, "plugins", cri, "registry", "config_path");
            discard = bool(toml, "plugins", cri, "containerd", "discard_unpacked_layers");
            mirrors.addAll(keys(toml, "plugins", cri, "registry", "mirrors"));
            // containerd 2.x also reads v3 plugin tables in a version 2 file (AKS's 2.x template does this).
            configPath = configPath.or(() -> string(toml, "plugins", V3_IMAGES, "registry", "config_path"));
            discard = discard.or(() -> bool(toml, "plugins", V3_IMAGES, "discard_unpacked_layers"));
            localPull = bool(toml, "plugins", V3_IMAGES, "use_local_image_pull");
            for (String m : keys(toml, "plugins", V3_IMAGES, "registry", "mirrors")) {
                if (!mirrors.contains(m)) {
                    mirrors.add(m);
                }
            }
        }
        return new CriSettings(
                path,
                schema,
                configPath,
                discard,
                localPull,
                List.copyOf(mirrors),
                ids,
                strings(toml.get("disabled_plugins")),
                strings(toml.get("imports")),
                problems,
                criKeys(plugins, schema == 1 && !ids.contains(V2_CRI) ? V1_CRI : V2_CRI));
    }

    /** Dotted leaf keys under the CRI plugin table, to tell what a 1.x import would wipe out. */
    private static Set<String> criKeys(TomlTable plugins, String criId) {
        Set<String> out = new java.util.TreeSet<>();
        if (plugins != null && plugins.get(List.of(criId)) instanceof TomlTable cri) {
            for (String key : cri.dottedKeySet()) {
                out.add(key);
            }
        }
        return out;
    }

    /** True when this file defines the table that holds the CRI registry/discard settings for its schema. */
    boolean definesCriTable() {
        return pluginIds.contains(V1_CRI) || pluginIds.contains(V2_CRI) || pluginIds.contains(V3_IMAGES);
    }

    boolean disablesCri() {
        return disabledPlugins.stream()
                .anyMatch(p -> p.equals(V1_CRI) || p.equals(V2_CRI) || p.equals(V3_IMAGES) || p.equals(V3_RUNTIME));
    }

    private static Optional<String> string(TomlTable t, String... path) {
        return t.get(List.of(path)) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private static Optional<Boolean> bool(TomlTable t, String... path) {
        return t.get(List.of(path)) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    private static List<String> keys(TomlTable t, String... path) {
        return t.get(List.of(path)) instanceof TomlTable table ? List.copyOf(table.keySet()) : List.of();
    }

    private static List<String> strings(Object value) {
        if (!(value instanceof TomlArray array)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i) instanceof String s) {
                out.add(s);
            }
        }
        return out;
    }
}

package dev.speglar.installer.containerd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/** The merged configuration a containerd binary reports through {@code containerd config dump}. */
public final class EffectiveConfig {

    private final String text;
    private final TomlParseResult toml;

    private EffectiveConfig(String text, TomlParseResult toml) {
        this.text = text;
        this.toml = toml;
    }

    public static EffectiveConfig parse(String dumpText) {
        TomlParseResult r = Toml.parse(dumpText);
        if (r.hasErrors()) {
            throw new IllegalArgumentException(
                    "containerd config dump is not valid TOML: " + r.errors().getFirst());
        }
        return new EffectiveConfig(dumpText, r);
    }

    public String text() {
        return text;
    }

    /** Schema of the dump itself (2 for 1.x binaries, 3 or 4 for 2.x). */
    public int schema() {
        Long v = toml.getLong("version");
        return v == null ? 1 : v.intValue();
    }

    public Object get(List<String> path) {
        return toml.get(path);
    }

    public CriKeys criKeys() {
        return CriKeys.forSchema(schema());
    }

    public String configPath() {
        return Objects.toString(get(criKeys().configPath()), "");
    }

    public Boolean discardUnpackedLayers() {
        return (Boolean) get(criKeys().discardUnpackedLayers());
    }

    public Boolean useLocalImagePull() {
        List<String> k = criKeys().useLocalImagePull();
        return k == null ? null : (Boolean) get(k);
    }

    /** True when the CRI plugin is listed in {@code disabled_plugins}. */
    public boolean criDisabled() {
        TomlArray disabled = toml.getArray("disabled_plugins");
        if (disabled == null) return false;
        for (int i = 0; i < disabled.size(); i++) {
            String p = disabled.get(i).toString();
            if (p.equals("cri") || p.startsWith("io.containerd.grpc.v1.cri") || p.startsWith("io.containerd.cri.v1"))
                return true;
        }
        return false;
    }

    /** True when deprecated inline {@code registry.mirrors} entries are present (they exclude config_path). */
    public boolean hasInlineMirrors() {
        List<String> registry = new ArrayList<>(criKeys().configPath());
        registry.set(registry.size() - 1, "mirrors");
        Object mirrors = get(registry);
        return mirrors instanceof TomlTable t && !t.isEmpty();
    }

    /** Every leaf value by dotted key, for before/after comparison. */
    public Map<String, Object> flatten() {
        Map<String, Object> out = new TreeMap<>();
        flatten(List.of(), toml, out);
        return out;
    }

    private static void flatten(List<String> prefix, TomlTable table, Map<String, Object> out) {
        for (String key : table.keySet()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(key);
            Object v = table.get(List.of(key));
            if (v instanceof TomlTable t) {
                flatten(path, t, out);
            } else {
                out.put(
                        TomlKeys.format(path),
                        v instanceof TomlArray a ? a.toList().toString() : v);
            }
        }
    }
}

package dev.speglar.installer.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/** Test helpers over TOML as maps: parse, flatten, RFC 7386 merge (kind, nodeadm), write back, diff. */
final class TomlMaps {
    private TomlMaps() {}

    static Map<String, Object> parse(String text) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            throw new IllegalArgumentException("TOML errors: " + toml.errors());
        }
        return plain(toml);
    }

    /** Deep copy of a tomlj table into plain LinkedHashMaps and Lists. */
    static Map<String, Object> plain(org.tomlj.TomlTable table) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : table.keySet()) {
            out.put(key, plainValue(table.get(List.of(key))));
        }
        return out;
    }

    private static Object plainValue(Object v) {
        if (v instanceof org.tomlj.TomlTable t) {
            return plain(t);
        }
        if (v instanceof org.tomlj.TomlArray a) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                out.add(plainValue(a.get(i)));
            }
            return out;
        }
        return v;
    }

    /** Leaves keyed by their dotted path, each segment quoted ("plugins"."io.containerd.grpc.v1.cri"...). */
    static Map<String, Object> flatten(Map<String, Object> map) {
        Map<String, Object> out = new TreeMap<>();
        flatten("", map, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, Object> out) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = prefix.isEmpty() ? quote(e.getKey()) : prefix + "." + quote(e.getKey());
            if (e.getValue() instanceof Map<?, ?> m) {
                flatten(key, (Map<String, Object>) m, out);
            } else {
                out.put(key, normalize(e.getValue()));
            }
        }
    }

    private static Object normalize(Object v) {
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        return v;
    }

    /** Keys added, removed or changed from a to b; removed keys map to the string "<removed>". */
    static Map<String, Object> diff(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new TreeMap<>();
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            Object x = a.get(k);
            Object y = b.get(k);
            if (y == null) {
                out.put(k, "<removed>");
            } else if (!y.equals(x)) {
                out.put(k, y);
            }
        }
        return out;
    }

    /** RFC 7386 merge patch, which is what kind applies and how nodeadm merges user TOML over its template. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergePatch(Map<String, Object> target, Map<String, Object> patch) {
        Map<String, Object> out = new LinkedHashMap<>(target);
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            Object pv = e.getValue();
            if (pv instanceof Map<?, ?> pm && out.get(e.getKey()) instanceof Map<?, ?> tm) {
                out.put(e.getKey(), mergePatch((Map<String, Object>) tm, (Map<String, Object>) pm));
            } else {
                out.put(e.getKey(), pv);
            }
        }
        return out;
    }

    /** Writes nested maps as TOML: scalars first, then sub-tables with fully quoted headers. */
    static String write(Map<String, Object> map) {
        StringBuilder sb = new StringBuilder();
        write(sb, "", map);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, String header, Map<String, Object> map) {
        List<Map.Entry<String, Object>> tables = new ArrayList<>();
        if (!header.isEmpty()) {
            sb.append('[').append(header).append("]\n");
        }
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?>) {
                tables.add(e);
            } else {
                sb.append(quote(e.getKey()))
                        .append(" = ")
                        .append(value(e.getValue()))
                        .append('\n');
            }
        }
        for (Map.Entry<String, Object> t : tables) {
            String h = header.isEmpty() ? quote(t.getKey()) : header + "." + quote(t.getKey());
            write(sb, h, (Map<String, Object>) t.getValue());
        }
    }

    private static String value(Object v) {
        if (v instanceof String s) {
            return quoteString(s);
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(value(x)));
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(v);
    }

    private static String quote(String key) {
        return quoteString(key);
    }

    private static String quoteString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}

package dev.speglar.agent.hosts;

import dev.speglar.common.hosts.HostsToml;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Re-serialises the {@code [host.'…']} tables of an existing hosts.toml, for {@code --prepend-existing}: hosts in
 * document order, keys sorted, nested tables (such as {@code header}) as sub-tables. Other top-level keys (the old
 * {@code server}) are dropped because the new file sets its own.
 */
public final class HostTables {

    private HostTables() {}

    /** The re-serialised host tables, or an empty string when there are none. */
    public static String reserialize(String existingToml, String sourceName) {
        TomlParseResult parsed = Toml.parse(existingToml);
        if (parsed.hasErrors()) {
            throw new IllegalArgumentException("cannot parse existing " + sourceName + ": "
                    + parsed.errors().getFirst());
        }
        TomlTable hosts = parsed.getTable(List.of("host"));
        if (hosts == null) {
            return "";
        }
        List<String> urls = new ArrayList<>();
        for (String k : hosts.keySet()) {
            if (hosts.isTable(List.of(k))) {
                urls.add(k);
            }
        }
        urls.sort(Comparator.comparing((String k) -> position(hosts, k)));
        StringBuilder sb = new StringBuilder();
        for (String url : urls) {
            writeTable(sb, "host." + HostsToml.quote(url), hosts.getTable(List.of(url)));
            sb.append('\n');
        }
        return sb.toString().strip();
    }

    private static long position(TomlTable table, String key) {
        TomlPosition p = table.inputPositionOf(List.of(key));
        return p == null ? Long.MAX_VALUE : ((long) p.line() << 20) + p.column();
    }

    private static void writeTable(StringBuilder sb, String header, TomlTable t) {
        sb.append('[').append(header).append("]\n");
        List<String> subTables = new ArrayList<>();
        for (String k : new TreeSet<>(t.keySet())) {
            Object v = t.get(List.of(k));
            if (v instanceof TomlTable) {
                subTables.add(k);
            } else {
                sb.append(key(k)).append(" = ").append(value(v)).append('\n');
            }
        }
        for (String k : subTables) {
            writeTable(sb, header + "." + key(k), t.getTable(List.of(k)));
        }
    }

    private static String key(String k) {
        return k.matches("[A-Za-z0-9_-]+") ? k : HostsToml.quote(k);
    }

    private static String value(Object v) {
        if (v instanceof String s) {
            return HostsToml.quote(s);
        }
        if (v instanceof TomlArray a) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                parts.add(value(a.get(i)));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        if (v instanceof TomlTable t) {
            List<String> parts = new ArrayList<>();
            for (String k : new TreeSet<>(t.keySet())) {
                parts.add(key(k) + " = " + value(t.get(List.of(k))));
            }
            return "{" + String.join(", ", parts) + "}";
        }
        return String.valueOf(v);
    }
}

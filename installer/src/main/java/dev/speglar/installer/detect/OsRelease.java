package dev.speglar.installer.detect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Parsed {@code /etc/os-release} (KEY=VALUE lines, values optionally quoted). */
record OsRelease(Map<String, String> fields) {

    static final OsRelease EMPTY = new OsRelease(Map.of());

    OsRelease {
        fields = Map.copyOf(fields);
    }

    static OsRelease read(HostRoot host) {
        Optional<String> text = host.readQuietly("/etc/os-release").or(() -> host.readQuietly("/usr/lib/os-release"));
        return text.map(OsRelease::parse).orElse(EMPTY);
    }

    static OsRelease parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.startsWith("#") || eq <= 0) {
                continue;
            }
            String value = l.substring(eq + 1).strip();
            if (value.length() >= 2
                    && (value.startsWith("\"") && value.endsWith("\"")
                            || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(l.substring(0, eq).strip(), value);
        }
        return new OsRelease(out);
    }

    String id() {
        return fields.getOrDefault("ID", "");
    }

    String versionId() {
        return fields.getOrDefault("VERSION_ID", "");
    }

    boolean isEmpty() {
        return fields.isEmpty();
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        for (String k : new String[] {"ID", "VERSION_ID", "VARIANT_ID", "PLATFORM_ID"}) {
            if (fields.containsKey(k)) {
                sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(fields.get(k));
            }
        }
        return sb.toString();
    }
}

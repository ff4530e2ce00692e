package dev.speglar.installer.containerd;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Parses and formats TOML dotted keys, enough to locate table headers and key lines in a config file. */
public final class TomlKeys {

    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_-]+");

    private TomlKeys() {}

    /**
     * Splits a dotted key ({@code plugins."io.containerd.grpc.v1.cri".registry}) into its parts.
     * Returns null when the text is not a well-formed dotted key.
     */
    public static List<String> parse(String text) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
            if (i >= n) return null;
            char c = text.charAt(i);
            StringBuilder part = new StringBuilder();
            if (c == '"' || c == '\'') {
                int end = text.indexOf(c, i + 1);
                if (end < 0) return null;
                String raw = text.substring(i + 1, end);
                if (c == '"' && raw.indexOf('\\') >= 0) return null; // escapes never occur in containerd keys
                part.append(raw);
                i = end + 1;
            } else {
                int start = i;
                while (i < n && BARE.matcher(String.valueOf(text.charAt(i))).matches()) i++;
                if (i == start) return null;
                part.append(text, start, i);
            }
            parts.add(part.toString());
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
            if (i >= n) return parts;
            if (text.charAt(i) != '.') return null;
            i++;
        }
    }

    /** Formats one key part, quoting it when it is not a bare key. */
    public static String quote(String part) {
        return BARE.matcher(part).matches() ? part : "\"" + part + "\"";
    }

    public static String format(List<String> parts) {
        return String.join(".", parts.stream().map(TomlKeys::quote).toList());
    }

    /** A TOML basic string literal. */
    public static String string(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}

package dev.speglar.installer.containerd;

import java.util.ArrayList;
import java.util.List;

/**
 * Line-level editor for a TOML config file. It changes only the lines that carry the keys being set, so
 * comments, ordering and formatting of everything else survive byte for byte. It does not understand every TOML
 * layout (dotted keys defining tables, inline tables); callers re-parse the result and refuse an edit whose
 * effect is not the intended one.
 */
public final class TomlTextEditor {

    private final List<String> lines;
    private final String newline;
    private final boolean trailingNewline;

    private TomlTextEditor(List<String> lines, String newline, boolean trailingNewline) {
        this.lines = lines;
        this.newline = newline;
        this.trailingNewline = trailingNewline;
    }

    public static TomlTextEditor of(String text) {
        String nl = text.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        boolean trailing = text.isEmpty() || text.endsWith("\n");
        if (trailing && !lines.isEmpty()) lines.removeLast();
        return new TomlTextEditor(lines, nl, trailing || text.isEmpty());
    }

    public String text() {
        String joined = String.join(newline, lines);
        return trailingNewline && !lines.isEmpty() ? joined + newline : joined;
    }

    /** Sets {@code key} in {@code table} (empty list = root table) to a TOML value literal. */
    public void set(List<String> table, String key, String literal) {
        Region region = find(table);
        if (region == null) {
            appendTable(table, key, literal);
            return;
        }
        for (int i = region.bodyStart; i < region.end; i++) {
            String line = lines.get(i);
            int eq = keyEnd(line);
            if (eq < 0) continue;
            List<String> parsed = TomlKeys.parse(line.substring(0, eq));
            if (parsed == null || !parsed.equals(List.of(key))) continue;
            String indent =
                    line.substring(0, line.length() - line.stripLeading().length());
            int last = valueEnd(i);
            for (int j = last; j > i; j--) lines.remove(j);
            lines.set(i, indent + line.substring(0, eq).strip() + " = " + literal);
            return;
        }
        int insertAt = region.bodyStart;
        String indent = null;
        for (int i = region.bodyStart; i < region.end; i++) {
            String s = lines.get(i).strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                insertAt = i + 1;
                if (indent == null)
                    indent = lines.get(i)
                            .substring(
                                    0,
                                    lines.get(i).length()
                                            - lines.get(i).stripLeading().length());
            }
        }
        if (indent == null) {
            indent = region.headerLine < 0 ? "" : leading(lines.get(region.headerLine)) + "  ";
        }
        lines.add(insertAt, indent + TomlKeys.quote(key) + " = " + literal);
    }

    private void appendTable(List<String> table, String key, String literal) {
        if (!lines.isEmpty() && !lines.getLast().isBlank()) lines.add("");
        lines.add("[" + TomlKeys.format(table) + "]");
        lines.add("  " + TomlKeys.quote(key) + " = " + literal);
    }

    private record Region(int headerLine, int bodyStart, int end) {}

    /** Locates the lines belonging to a table defined by a {@code [header]} (or the root table). */
    private Region find(List<String> table) {
        int header = table.isEmpty() ? -1 : -2;
        boolean inMultiline = false;
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            boolean wasIn = inMultiline;
            inMultiline ^= (count(s, "\"\"\"") + count(s, "'''")) % 2 == 1;
            if (wasIn) continue;
            List<String> parsed = headerKey(s);
            if (parsed == null) continue;
            if (header != -2) return new Region(header, header + 1, i);
            if (!s.startsWith("[[") && table.equals(parsed)) header = i;
        }
        return header == -2 ? null : new Region(header, header + 1, lines.size());
    }

    /** The key of a {@code [table]} or {@code [[array]]} header line, or null for any other line. */
    public static List<String> headerKey(String stripped) {
        if (!stripped.startsWith("[")) return null;
        boolean array = stripped.startsWith("[[");
        String inner = array ? stripped.substring(1) : stripped;
        int close = closingBracket(inner);
        if (close < 0) return null;
        String rest = inner.substring(close + 1);
        if (array) {
            if (!rest.startsWith("]")) return null;
            rest = rest.substring(1);
        }
        rest = rest.strip();
        if (!rest.isEmpty() && !rest.startsWith("#")) return null;
        return TomlKeys.parse(inner.substring(1, close));
    }

    private static int closingBracket(String s) {
        char quote = 0;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ']') {
                return i;
            }
        }
        return -1;
    }

    /** Index of the '=' that ends a key on a key/value line, or -1. */
    private static int keyEnd(String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#") || s.startsWith("[")) return -1;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '=') {
                return i;
            }
        }
        return -1;
    }

    /** Last line of a value starting on line {@code i}: multi-line arrays run until their brackets balance. */
    private int valueEnd(int i) {
        int depth = 0;
        for (int j = i; j < lines.size(); j++) {
            String line = j == i ? lines.get(j).substring(keyEnd(lines.get(j)) + 1) : lines.get(j);
            char quote = 0;
            for (int k = 0; k < line.length(); k++) {
                char c = line.charAt(k);
                if (quote != 0) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '#') {
                    break;
                } else if (c == '[' || c == '{') {
                    depth++;
                } else if (c == ']' || c == '}') {
                    depth--;
                }
            }
            if (depth <= 0) return j;
        }
        return i;
    }

    private static String leading(String line) {
        return line.substring(0, line.length() - line.stripLeading().length());
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) n++;
        return n;
    }
}

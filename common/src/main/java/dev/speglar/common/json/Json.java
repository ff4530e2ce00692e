package dev.speglar.common.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for manifests, indexes and configs. Objects become {@code Map<String,Object>} (insertion
 * ordered), arrays {@code List<Object>}, numbers {@code Long} or {@code Double}, and JSON null {@link #NULL}.
 *
 * <p>Hand-written because the agent (memory budget) and p2p carry no JSON library: the one small codec they share
 * (the installer and all tests use Jackson). Callers bound the input size, and the nesting depth is bounded here, so
 * hostile input costs at most linear time and memory.
 */
public final class Json {
    /** JSON {@code null}; maps keep it so "present but null" differs from "absent". */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final int MAX_DEPTH = 64;

    private final String s;
    private int pos;
    private int depth;

    private Json(String s) {
        this.s = s;
    }

    /** Appends {@code s} as a JSON string literal (quotes included), escaping what RFC 8259 requires. */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Parses one JSON value that must span the whole input (surrounding whitespace allowed). */
    public static Object parse(byte[] utf8) throws InvalidJsonException {
        return parse(new String(utf8, StandardCharsets.UTF_8));
    }

    public static Object parse(String text) throws InvalidJsonException {
        Json p = new Json(text);
        p.skipWs();
        Object v = p.value();
        p.skipWs();
        if (p.pos != p.s.length()) {
            throw p.error("trailing data");
        }
        return v;
    }

    /** Parses an object, failing if the top-level value is anything else. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(byte[] utf8) throws InvalidJsonException {
        if (!(parse(utf8) instanceof Map<?, ?> m)) {
            throw new InvalidJsonException("expected a JSON object");
        }
        return (Map<String, Object>) m;
    }

    private Object value() throws InvalidJsonException {
        if (pos >= s.length()) {
            throw error("unexpected end of input");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character");
            }
        };
    }

    private Map<String, Object> object() throws InvalidJsonException {
        enter();
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (peek() == '}') {
            pos++;
            depth--;
            return m;
        }
        while (true) {
            skipWs();
            if (peek() != '"') {
                throw error("expected a key");
            }
            String key = string();
            skipWs();
            expect(':');
            skipWs();
            m.put(key, value());
            skipWs();
            char c = next();
            if (c == '}') {
                depth--;
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array() throws InvalidJsonException {
        enter();
        pos++;
        List<Object> l = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            pos++;
            depth--;
            return Collections.unmodifiableList(l);
        }
        while (true) {
            skipWs();
            l.add(value());
            skipWs();
            char c = next();
            if (c == ']') {
                depth--;
                return Collections.unmodifiableList(l);
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws InvalidJsonException {
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (pos + 4 > s.length()) {
                        throw error("short unicode escape");
                    }
                    try {
                        b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad unicode escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    private Object number() throws InvalidJsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        boolean integral = true;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String n = s.substring(start, pos);
        try {
            if (integral) {
                return Long.parseLong(n);
            }
            return Double.parseDouble(n);
        } catch (NumberFormatException e) {
            throw error("bad number");
        }
    }

    private Object literal(String word, Object v) throws InvalidJsonException {
        if (!s.startsWith(word, pos)) {
            throw error("bad literal");
        }
        pos += word.length();
        return v;
    }

    private void enter() throws InvalidJsonException {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
    }

    private void skipWs() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() throws InvalidJsonException {
        if (pos >= s.length()) {
            throw error("unexpected end of input");
        }
        return s.charAt(pos);
    }

    private char next() throws InvalidJsonException {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) throws InvalidJsonException {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private InvalidJsonException error(String what) {
        return new InvalidJsonException(what + " at offset " + pos);
    }
}

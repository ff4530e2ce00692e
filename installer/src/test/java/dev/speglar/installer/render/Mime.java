package dev.speglar.installer.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict-enough multipart/mixed parser for user data: headers, boundary, parts, mandatory closing boundary. */
record Mime(Map<String, String> headers, List<Part> parts) {

    record Part(Map<String, String> headers, String body) {
        String contentType() {
            String ct = headers.getOrDefault("content-type", "text/plain");
            int semi = ct.indexOf(';');
            return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

    static Mime parse(String text) {
        String t = text.replace("\r\n", "\n");
        int end = t.indexOf("\n\n");
        if (end < 0) {
            throw new IllegalArgumentException("no blank line after the MIME headers");
        }
        Map<String, String> headers = headers(t.substring(0, end));
        if (!"1.0".equals(headers.get("mime-version"))) {
            throw new IllegalArgumentException("missing MIME-Version: 1.0");
        }
        String ct = headers.getOrDefault("content-type", "");
        if (!ct.toLowerCase(Locale.ROOT).startsWith("multipart/mixed")) {
            throw new IllegalArgumentException("not multipart/mixed: " + ct);
        }
        Matcher m = BOUNDARY.matcher(ct);
        if (!m.find()) {
            throw new IllegalArgumentException("no boundary parameter");
        }
        String delimiter = "\n--" + m.group(1);
        String body = "\n" + t.substring(end + 2);
        int close = body.indexOf(delimiter + "--");
        if (close < 0) {
            throw new IllegalArgumentException("missing closing boundary --" + m.group(1) + "--");
        }
        List<Part> parts = new ArrayList<>();
        String[] chunks = body.substring(0, close).split(Pattern.quote(delimiter) + "\n", -1);
        for (int i = 1; i < chunks.length; i++) {
            String chunk = chunks[i];
            int sep = chunk.indexOf("\n\n");
            if (sep < 0) {
                throw new IllegalArgumentException("part " + i + " has no blank line after its headers");
            }
            parts.add(new Part(headers(chunk.substring(0, sep)), chunk.substring(sep + 2)));
        }
        return new Mime(headers, parts);
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : block.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("bad header line: " + line);
            }
            out.put(
                    line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip());
        }
        return out;
    }
}

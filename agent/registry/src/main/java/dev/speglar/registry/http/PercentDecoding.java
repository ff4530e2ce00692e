package dev.speglar.registry.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a request path once, as Go's net/http does before upstream Spegel routes it ({@code url.URL.Path}): every
 * {@code %XX} becomes its byte, {@code +} stays a plus (it means space only in queries), and a {@code %} not followed by
 * two hex digits is malformed. So {@code /v2/library%2Fnginx/manifests/latest} names {@code library/nginx}, while a
 * double-encoded {@code %252F} decodes to {@code %2F} and then fails the name grammar.
 */
final class PercentDecoding {
    private PercentDecoding() {}

    /** @throws IllegalArgumentException on a malformed escape */
    static String path(String raw) {
        int first = raw.indexOf('%');
        if (first < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != '%') {
                out.write(b);
                continue;
            }
            if (i + 2 >= bytes.length) {
                throw new IllegalArgumentException("truncated percent-escape in path");
            }
            int hi = Character.digit(bytes[i + 1], 16);
            int lo = Character.digit(bytes[i + 2], 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("invalid percent-escape in path");
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        // Non-ASCII never passes the name, tag or digest grammar, whatever it decodes to.
        return out.toString(StandardCharsets.UTF_8);
    }
}

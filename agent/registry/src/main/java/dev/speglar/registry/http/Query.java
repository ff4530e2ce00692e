package dev.speglar.registry.http;

import dev.speglar.registry.OciErrors;
import dev.speglar.registry.RegistryException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads one parameter from a raw query string without building a map of all of them. */
final class Query {
    private Query() {}

    /** The decoded value of the first {@code name} parameter, or null. Malformed percent-encoding is a 400. */
    static String first(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        int start = 0;
        while (start <= query.length()) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', start);
            String key = eq >= 0 && eq < end ? query.substring(start, eq) : query.substring(start, end);
            if (key.equals(name)) {
                String raw = eq >= 0 && eq < end ? query.substring(eq + 1, end) : "";
                try {
                    return URLDecoder.decode(raw, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new RegistryException(
                            HttpResponseStatus.BAD_REQUEST, OciErrors.NAME_INVALID, "malformed " + name + " parameter");
                }
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return null;
    }
}

package dev.speglar.registry.metrics;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The answer of a {@link DebugHandler}: a status, a content type and either bytes or a stream of unknown length
 * (sent chunked, then closed), e.g. a flight recording.
 */
public record DebugResponse(int status, String contentType, byte[] body, InputStream stream, String filename) {
    public static final String HTML = "text/html; charset=utf-8";
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String JSON = "application/json";

    public DebugResponse {
        Objects.requireNonNull(contentType, "contentType");
        if ((body == null) == (stream == null)) {
            throw new IllegalArgumentException("exactly one of body and stream");
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("bad status " + status);
        }
    }

    public static DebugResponse of(int status, String contentType, String body) {
        return new DebugResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), null, null);
    }

    public static DebugResponse ok(String contentType, String body) {
        return of(200, contentType, body);
    }

    /** A 200 download: {@code stream} is sent chunked and closed afterwards. */
    public static DebugResponse download(String contentType, InputStream stream, String filename) {
        return new DebugResponse(200, contentType, null, Objects.requireNonNull(stream, "stream"), filename);
    }
}

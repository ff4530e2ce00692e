package dev.speglar.registry;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A request the registry refuses, with the status to answer and, for distribution errors, the OCI error code. A null
 * code means an empty body ({@code Content-Length: 0}), as upstream answers non-distribution errors.
 */
public final class RegistryException extends RuntimeException {
    private final HttpResponseStatus status;
    private final String code;

    public RegistryException(HttpResponseStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        this.code = code;
    }

    /** A refusal answered with an empty body. */
    public static RegistryException empty(HttpResponseStatus status, String reason) {
        return new RegistryException(status, null, reason);
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** The OCI error code, or null for an empty body. */
    public String code() {
        return code;
    }
}

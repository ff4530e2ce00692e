package dev.speglar.containerd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;

/** A containerd API call failed; {@link #code()} is the gRPC status (UNAVAILABLE while containerd is down). */
public class ContainerdException extends IOException {
    private final Status.Code code;

    public ContainerdException(String message, Status.Code code) {
        super(message);
        this.code = code;
    }

    public static ContainerdException of(String what, StatusRuntimeException e) {
        Status s = e.getStatus();
        ContainerdException ex = new ContainerdException(
                what + ": " + s.getCode() + (s.getDescription() == null ? "" : " " + s.getDescription()), s.getCode());
        ex.initCause(e);
        return ex;
    }

    public Status.Code code() {
        return code;
    }
}

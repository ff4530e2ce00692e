package dev.speglar.installer.containerd;

/** The candidate containerd configuration was rejected; nothing has been written. */
public final class ConfigValidationException extends Exception {
    public ConfigValidationException(String message) {
        super(message);
    }
}

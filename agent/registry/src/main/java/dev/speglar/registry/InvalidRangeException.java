package dev.speglar.registry;

/** A Range header that cannot be parsed or satisfied. */
public class InvalidRangeException extends IllegalArgumentException {
    public InvalidRangeException(String message) {
        super(message);
    }
}

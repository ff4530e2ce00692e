package dev.speglar.oci;

/** A digest, name, tag or reference that does not follow the OCI grammar. */
public class InvalidReferenceException extends IllegalArgumentException {
    public InvalidReferenceException(String message) {
        super(message);
    }
}

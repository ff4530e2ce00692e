package dev.speglar.registry.mirror;

/** A peer's answer that cannot be used: wrong status, missing or inconsistent headers, wrong bytes. */
final class PeerResponseException extends Exception {
    PeerResponseException(String message) {
        super(message, null, false, false);
    }
}

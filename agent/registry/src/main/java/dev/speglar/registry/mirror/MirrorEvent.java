package dev.speglar.registry.mirror;

/** What a request's thread waits for: lookup progress, peer exchange outcomes, relay progress, client departure. */
sealed interface MirrorEvent {
    record Found(PeerTarget target) implements MirrorEvent {}

    record LookupDone(Object lookup) implements MirrorEvent {}

    record ClientGone() implements MirrorEvent {}

    record Head(PeerExchange ex) implements MirrorEvent {}

    /** A TLS exchange's connection became usable: the race budget counts again from now. */
    record Usable(PeerExchange ex) implements MirrorEvent {}

    record Failed(PeerExchange ex, Throwable cause) implements MirrorEvent {}

    /** A manifest body was read whole; {@code body} null when it failed ({@code integrity}: wrong bytes). */
    record ManifestRead(PeerExchange ex, byte[] body, String failure, boolean integrity) implements MirrorEvent {}

    record StreamEnded() implements MirrorEvent {}

    /** The body broke off; {@code position} is the next absolute offset the client needs. */
    record StreamBroken(long position, Throwable cause) implements MirrorEvent {}

    record IntegrityFailed(String detail) implements MirrorEvent {}
}

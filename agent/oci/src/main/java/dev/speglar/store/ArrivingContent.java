package dev.speglar.store;

import dev.speglar.oci.Digest;
import java.util.List;
import java.util.Optional;

/**
 * Content the node is receiving right now (containerd's active ingests), so it can be shared before it is complete.
 * {@link #arrivals()} reports only live ones (grew recently or just started; a stalled or abandoned one is not
 * advertised); {@link #find} also returns a stalled one, whose caller judges it: the node's own containerd asking
 * for it again (a resume) or a peer that needs to hear "stalled" rather than "unknown". Implementations are
 * thread-safe.
 */
public interface ArrivingContent {
    /** Every live arrival whose digest is known. */
    List<Arrival> arrivals();

    /** The arrival of {@code digest}, live or stalled, if its ingest exists. */
    Optional<Arrival> find(Digest digest);

    /** Nothing arrives (in-flight sharing off, or the store's files are not visible here). */
    ArrivingContent NONE = new ArrivingContent() {
        @Override
        public List<Arrival> arrivals() {
            return List.of();
        }

        @Override
        public Optional<Arrival> find(Digest digest) {
            return Optional.empty();
        }
    };
}

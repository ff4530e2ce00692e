package dev.speglar.store;

import dev.speglar.oci.Digest;
import java.util.List;
import java.util.Optional;

/**
 * Content the node is receiving right now (containerd's active ingests), so it can be shared before it is complete.
 * Only live arrivals are reported: ones that grew recently or just started; a stalled or abandoned one is not.
 * Implementations are thread-safe.
 */
public interface ArrivingContent {
    /** Every live arrival whose digest is known. */
    List<Arrival> arrivals();

    /** The live arrival of {@code digest}, if any. */
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

package dev.speglar.installer.detect;

import java.util.Objects;
import java.util.Optional;

/**
 * One observation on the host: where it was read ({@code source}, a host path or "kubelet flags"), what was seen, which
 * platform it points at (empty for facts that only describe the runtime) and how far to trust it.
 *
 * @param ignored true when the signal was seen but deliberately not counted (for example DMI read inside a container
 *     shows the host's vendor); {@code note} then says why
 */
public record Signal(
        String source, String observed, Optional<Platform> indicates, Trust trust, boolean ignored, String note) {

    public Signal {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(indicates, "indicates");
        Objects.requireNonNull(trust, "trust");
        note = note == null ? "" : note;
        if (source.isBlank()) {
            throw new IllegalArgumentException("signal source must not be blank");
        }
    }

    public static Signal of(String source, String observed, Platform indicates, Trust trust) {
        return new Signal(source, observed, Optional.of(indicates), trust, false, "");
    }

    public static Signal fact(String source, String observed, Trust trust) {
        return new Signal(source, observed, Optional.empty(), trust, false, "");
    }

    public Signal ignoredBecause(String why) {
        return new Signal(source, observed, indicates, trust, true, why);
    }

    public Signal withNote(String text) {
        return new Signal(source, observed, indicates, trust, ignored, text);
    }

    /** Weight this signal adds to {@code platform}'s score. */
    public int weightFor(Platform platform) {
        return !ignored && indicates.isPresent() && indicates.get() == platform ? trust.weight() : 0;
    }
}

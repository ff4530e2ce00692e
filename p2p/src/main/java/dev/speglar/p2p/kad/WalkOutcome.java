package dev.speglar.p2p.kad;

import dev.speglar.p2p.multiformats.PeerId;
import java.util.List;

/**
 * How one iterative walk ended, for diagnostics: why it stopped ({@code converged}: the k closest live peers all
 * answered; {@code stopped}: the caller had enough; {@code timeout}: the caller gave up), which peers answered and
 * which failed (timeout, refused, reset).
 */
public record WalkOutcome(String reason, List<PeerId> answered, List<PeerId> failed) {
    public WalkOutcome {
        answered = List.copyOf(answered);
        failed = List.copyOf(failed);
    }
}

package dev.speglar.installer.detect;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@code speglar detect}: platform, the evidence behind it, containerd facts, the verdict and the
 * human-readable reasons for that verdict (what is wrong and what to do).
 */
public record Detection(
        String hostRoot,
        Platform platform,
        Evidence evidence,
        ContainerdFacts containerd,
        Verdict verdict,
        List<String> reasons) {

    public Detection {
        Objects.requireNonNull(hostRoot, "hostRoot");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(containerd, "containerd");
        Objects.requireNonNull(verdict, "verdict");
        reasons = List.copyOf(reasons);
    }
}

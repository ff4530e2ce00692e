package dev.speglar.installer.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All signals gathered for a host, in the order they were observed. */
public record Evidence(List<Signal> signals) {

    public Evidence {
        signals = List.copyOf(signals);
    }

    /** Sum of counted signal weights per platform (platforms without signals are absent). */
    public Map<Platform, Integer> scores() {
        Map<Platform, Integer> scores = new EnumMap<>(Platform.class);
        for (Signal s : signals) {
            if (!s.ignored() && s.indicates().isPresent()) {
                scores.merge(s.indicates().get(), s.trust().weight(), Integer::sum);
            }
        }
        return scores;
    }

    /** The counted signals that point at {@code platform}, strongest first. */
    public List<Signal> supporting(Platform platform) {
        List<Signal> out = new ArrayList<>();
        for (Signal s : signals) {
            if (s.weightFor(platform) > 0) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparingInt((Signal s) -> s.trust().weight()).reversed());
        return out;
    }

    /** The strongest counted signal for {@code platform}, if any. */
    public Optional<Signal> strongest(Platform platform) {
        return supporting(platform).stream().findFirst();
    }

    /** True when some counted signal with at least {@code trust} points at {@code platform}. */
    public boolean has(Platform platform, Trust trust) {
        return signals.stream().anyMatch(s -> s.weightFor(platform) >= trust.weight());
    }
}

package dev.speglar.registry.metrics;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A GET to a {@link DebugHandler}: the decoded path and query parameters. */
public record DebugRequest(String path, Map<String, List<String>> params) {
    public DebugRequest {
        Objects.requireNonNull(path, "path");
        params = Map.copyOf(params);
    }

    /** The first value of query parameter {@code name}, if present and not blank. */
    public Optional<String> param(String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() || v.getFirst().isBlank() ? Optional.empty() : Optional.of(v.getFirst());
    }
}

package dev.speglar.registry.tags;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which tags are resolved upstream first, and how long upstream gets. Patterns are globs over the tag ({@code latest},
 * {@code *-SNAPSHOT}) or over {@code repository:tag} when they contain a colon ({@code library/app:*}); {@code *}
 * matches any run of characters.
 */
public record TagPolicy(List<String> patterns, Duration timeout) {
    public TagPolicy {
        patterns = List.copyOf(patterns);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("upstream tag timeout must be positive");
        }
        for (String p : patterns) {
            if (p.isBlank() || p.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("invalid tag pattern '" + p + "'");
            }
        }
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public boolean matches(String repository, String tag) {
        for (String p : patterns) {
            String subject = p.contains(":") ? repository + ":" + tag : tag;
            if (glob(p).matcher(subject).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String p) {
        StringBuilder re = new StringBuilder();
        for (String part : p.split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }
}

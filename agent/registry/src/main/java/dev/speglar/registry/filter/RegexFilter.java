package dev.speglar.registry.filter;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Excludes references whose {@code registry/repository[:tag]} contains a match of a regular expression (the digest is
 * never part of the string, so {@code :latest$} excludes only tag requests for {@code latest}).
 */
public final class RegexFilter implements ReferenceFilter {
    private final Pattern pattern;

    public RegexFilter(String regex) {
        try {
            this.pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid registry filter " + regex + ": " + e.getDescription());
        }
    }

    @Override
    public boolean excludes(String registry, String repository, String tag) {
        String s = registry + "/" + repository + (tag != null ? ":" + tag : "");
        return pattern.matcher(s).find();
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }
}

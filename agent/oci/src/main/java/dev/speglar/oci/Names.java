package dev.speglar.oci;

import java.util.regex.Pattern;

/** The distribution grammar for repository names and tags. */
public final class Names {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    /** Repository: lower-case components joined by '/'. */
    public static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");

    public static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    /** The distribution spec recommends at most 255 characters for a name; longer names are refused early. */
    public static final int MAX_REPOSITORY_LENGTH = 255;

    public static boolean isRepository(String s) {
        return s != null
                && !s.isEmpty()
                && s.length() <= MAX_REPOSITORY_LENGTH
                && REPOSITORY.matcher(s).matches();
    }

    public static boolean isTag(String s) {
        return s != null && TAG.matcher(s).matches();
    }

    private Names() {}
}

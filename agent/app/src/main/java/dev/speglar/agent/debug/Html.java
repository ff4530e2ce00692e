package dev.speglar.agent.debug;

/**
 * HTML text escaping for the debug pages. Everything that did not come from this class's callers as a literal (image
 * names, peer ids, media types a peer sent, error messages) goes through {@link #text}.
 */
final class Html {
    private Html() {}

    /** {@code s} safe as element content and as a quoted attribute value. */
    static String text(Object o) {
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** An error fragment, as the page shows it in place of a result. */
    static String error(String message) {
        return "<p class=\"error\">" + text(message) + "</p>\n";
    }
}

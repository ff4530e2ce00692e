package dev.speglar.registry.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/** Checks {@code Authorization: Basic ...} against one configured user, in constant time for user and password. */
public final class BasicAuth {
    private final byte[] user;
    private final byte[] password;

    public BasicAuth(String user, String password) {
        this.user = Objects.requireNonNull(user, "user").getBytes(StandardCharsets.UTF_8);
        this.password = (password == null ? "" : password).getBytes(StandardCharsets.UTF_8);
    }

    /** True when the header carries exactly the configured credentials; false for a missing or malformed header. */
    public boolean accepts(String authorization) {
        if (authorization == null
                || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = -1;
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return false;
        }
        byte[] u = java.util.Arrays.copyOfRange(decoded, 0, colon);
        byte[] p = java.util.Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        // Both comparisons always run so timing reveals neither which part was wrong nor how much matched.
        boolean userOk = MessageDigest.isEqual(u, user);
        boolean passwordOk = MessageDigest.isEqual(p, password);
        return userOk & passwordOk;
    }

    /** The header value a client sends for these credentials, e.g. {@code Basic Zm9vOmJhcg==}. */
    public static String header(String user, String password) {
        String s = user + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}

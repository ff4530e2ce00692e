package dev.speglar.oci;

import java.util.Locale;
import java.util.Objects;

/**
 * A content digest such as {@code sha256:<64 hex>}. Validated on construction: only the algorithms the OCI
 * distribution spec registers (sha256, sha384, sha512) with lower-case hex of the exact length.
 */
public record Digest(String algorithm, String hex) {

    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        int len = switch (algorithm) {
            case "sha256" -> 64;
            case "sha384" -> 96;
            case "sha512" -> 128;
            default -> throw new InvalidReferenceException("unsupported digest algorithm: " + printable(algorithm));
        };
        if (hex.length() != len) {
            throw new InvalidReferenceException("invalid checksum digest length for " + algorithm);
        }
        for (int i = 0; i < len; i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new InvalidReferenceException("invalid checksum digest format");
            }
        }
    }

    /** Parses {@code algorithm:hex}; throws {@link InvalidReferenceException} for anything else. */
    public static Digest parse(String s) {
        Objects.requireNonNull(s, "digest");
        int colon = s.indexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new InvalidReferenceException("invalid checksum digest format");
        }
        return new Digest(s.substring(0, colon), s.substring(colon + 1));
    }

    /** True if {@code s} parses as a digest. */
    public static boolean isDigest(String s) {
        try {
            parse(s);
            return true;
        } catch (InvalidReferenceException e) {
            return false;
        }
    }

    /** The JCA name of the hash algorithm, e.g. {@code SHA-256}. */
    public String jcaAlgorithm() {
        return "SHA-" + algorithm.substring(3);
    }

    /** Digest of {@code bytes} with sha256. */
    public static Digest sha256(byte[] bytes) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Digest("sha256", java.util.HexFormat.of().formatHex(h));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String printable(String s) {
        String cut = s.length() > 32 ? s.substring(0, 32) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}

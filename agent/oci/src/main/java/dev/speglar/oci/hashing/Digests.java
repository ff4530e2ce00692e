package dev.speglar.oci.hashing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Where content hashes come from: libcrypto's SHA-256 when the host has it, the JDK otherwise. */
public final class Digests {
    private Digests() {}

    /** A fresh digest for a JCA algorithm name ("SHA-256", "SHA-512"). */
    public static MessageDigest newDigest(String jcaAlgorithm) throws NoSuchAlgorithmException {
        if ("SHA-256".equals(jcaAlgorithm) && OpenSslSha256.available()) {
            return new OpenSslSha256();
        }
        return MessageDigest.getInstance(jcaAlgorithm);
    }

    /** "openssl" or "jdk": which SHA-256 {@link #newDigest} hands out, for start-up logs. */
    public static String sha256Provider() {
        return OpenSslSha256.available() ? "openssl" : "jdk";
    }
}

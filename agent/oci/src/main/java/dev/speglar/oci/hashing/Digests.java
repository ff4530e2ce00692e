package dev.speglar.oci.hashing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.LoggerFactory;

/** Where content hashes come from: libcrypto's SHA-256 when the host has it, the JDK otherwise. */
public final class Digests {
    private Digests() {}

    /** A fresh digest for a JCA algorithm name ("SHA-256", "SHA-512"). */
    public static MessageDigest newDigest(String jcaAlgorithm) throws NoSuchAlgorithmException {
        if ("SHA-256".equals(jcaAlgorithm) && FirstDigest.OPENSSL) {
            return new OpenSslSha256();
        }
        return MessageDigest.getInstance(jcaAlgorithm);
    }

    /** "openssl" or "jdk": which SHA-256 {@link #newDigest} hands out ({@code speglar-agent version}). */
    public static String sha256Provider() {
        return OpenSslSha256.available() ? "openssl" : "jdk";
    }

    /**
     * Logged with the first digest, not at start: linking libcrypto spins FFM downcall stubs (bytecode the AOT cache
     * cannot hold), and compiling that bytecode generator took C1 ~7 MiB of arenas, still held 5 s after start (idle
     * RSS, docs/benchmarks-memory.md). A node hashes only when it pulls from a peer.
     */
    private static final class FirstDigest {
        static final boolean OPENSSL = OpenSslSha256.available();

        static {
            LoggerFactory.getLogger(Digests.class)
                    .atInfo()
                    .addKeyValue("sha256", sha256Provider())
                    .log("content hashing ready");
        }
    }
}

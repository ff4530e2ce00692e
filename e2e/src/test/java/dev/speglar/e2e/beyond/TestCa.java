package dev.speglar.e2e.beyond;

import dev.speglar.testkit.Exec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A throw-away certificate authority made with the openssl CLI, issuing EC P-256 certificates (PKCS#8 keys). */
final class TestCa {
    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    static TestCa create(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-subj",
                "/CN=" + name,
                "-days",
                "2");
        return new TestCa(dir);
    }

    Path caCert() {
        return dir.resolve("ca.crt");
    }

    /** Writes {@code ca.crt}, {@code tls.crt}, {@code tls.key} (and {@code client.p12}, password "x") into {@code out}. */
    Path issue(Path out, String commonName) throws IOException {
        Files.createDirectories(out);
        openssl(
                out,
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "tls.key",
                "-out",
                "tls.csr",
                "-subj",
                "/CN=" + commonName);
        openssl(
                out,
                "x509",
                "-req",
                "-in",
                "tls.csr",
                "-CA",
                caCert().toString(),
                "-CAkey",
                dir.resolve("ca.key").toString(),
                "-CAcreateserial",
                "-out",
                "tls.crt",
                "-days",
                "2");
        openssl(
                out,
                "pkcs12",
                "-export",
                "-in",
                "tls.crt",
                "-inkey",
                "tls.key",
                "-out",
                "client.p12",
                "-passout",
                "pass:x");
        Files.copy(caCert(), out.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /** A client context trusting {@code trusted}'s CA and presenting {@code identity}'s certificate (null: none). */
    static SSLContext client(Path trustedCa, Path identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trustedCa)) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(identity.resolve("client.p12"))) {
                keys.load(in, "x".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "x".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void openssl(Path cwd, String... args) {
        String[] sh = {"sh", "-c", "cd '" + cwd + "' && exec openssl \"$@\"", "sh"};
        String[] all = new String[sh.length + args.length];
        System.arraycopy(sh, 0, all, 0, sh.length);
        System.arraycopy(args, 0, all, sh.length, args.length);
        Exec.run(Duration.ofSeconds(30), all).check();
    }
}

package dev.speglar.p2p.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP bootstrap client's TLS settings from a cert dir, as upstream: {@code ca.crt} optional (else the system
 * roots), {@code tls.crt} and {@code tls.key} both or neither. Keys must be PEM PKCS#8 ("PRIVATE KEY").
 */
final class BootstrapTls {
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");

    private BootstrapTls() {}

    static SSLContext context(Path dir) throws IOException {
        Path ca = dir.resolve("ca.crt");
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        if (Files.exists(crt) != Files.exists(key)) {
            throw new IOException("both client TLS certificate and client TLS key must be provided");
        }
        try {
            TrustManagerFactory tmf = null;
            if (Files.exists(ca)) {
                Collection<? extends Certificate> roots = certificates(ca);
                if (roots.isEmpty()) {
                    throw new IOException("no valid CA certs found");
                }
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate c : roots) {
                    trust.setCertificateEntry("ca" + i++, c);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (Files.exists(crt)) {
                Collection<? extends Certificate> chain = certificates(crt);
                if (chain.isEmpty()) {
                    throw new IOException("no certificate in " + crt);
                }
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                char[] pw = new char[0];
                keys.setKeyEntry("client", privateKey(key), pw, chain.toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, pw);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("invalid bootstrap TLS files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path pem) throws IOException {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)));
        } catch (java.security.cert.CertificateException e) {
            return List.of();
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException("client TLS key " + pem + " is not a PEM PKCS#8 private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        for (String alg : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException("client TLS key " + pem + " is not an RSA, EC or Ed25519 key");
    }
}

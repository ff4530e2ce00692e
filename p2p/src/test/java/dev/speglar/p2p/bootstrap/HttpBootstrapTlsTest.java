package dev.speglar.p2p.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.speglar.p2p.crypto.Ed25519Identity;
import dev.speglar.p2p.multiformats.PeerId;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --http-bootstrap-cert-dir against a real JDK https server that requires a client certificate. */
class HttpBootstrapTlsTest {
    private static final char[] PW = "changeit".toCharArray();

    /** A self-signed key pair made by the JDK's keytool, in a PKCS#12 store. */
    private static Path keyPair(Path dir, String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        name,
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=" + name,
                        "-ext",
                        "SAN=ip:127.0.0.90",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return store;
    }

    private static KeyStore load(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(p12.toFile())) {
            ks.load(in, PW);
        }
        return ks;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** Writes ca.crt (the server's cert), tls.crt and tls.key (the client's) into {@code certs}. */
    private static void writeCertDir(KeyStore server, KeyStore client, Path certs) throws Exception {
        Files.createDirectories(certs);
        Files.writeString(
                certs.resolve("ca.crt"),
                pem("CERTIFICATE", server.getCertificate("server").getEncoded()));
        Files.writeString(
                certs.resolve("tls.crt"),
                pem("CERTIFICATE", client.getCertificate("client").getEncoded()));
        Files.writeString(
                certs.resolve("tls.key"),
                pem("PRIVATE KEY", client.getKey("client", PW).getEncoded()));
    }

    @Test
    void fetchesPeersOverMutualTlsWithTheCertDir(@TempDir Path dir) throws Exception {
        KeyStore server = load(keyPair(dir, "server"));
        KeyStore client = load(keyPair(dir, "client"));
        Path certs = dir.resolve("certs");
        writeCertDir(server, client, certs);

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(server, PW);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("client", client.getCertificate("client"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        PeerId id = Ed25519Identity.generate().peerId();
        byte[] body = ("[{\"ID\":\"" + id.toBase58() + "\",\"Addrs\":[\"/ip4/127.0.0.91/tcp/5001\"]}]")
                .getBytes(StandardCharsets.UTF_8);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.90", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                var p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        https.createContext("/id", ex -> {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        https.start();
        try {
            String url = "https://127.0.0.90:" + https.getAddress().getPort() + "/id";
            List<BootstrapPeer> peers = new HttpBootstrapper(url, certs).get();
            assertThat(peers).hasSize(1);
            assertThat(peers.getFirst().id()).isEqualTo(id);
            assertThat(peers.getFirst().addrs())
                    .extracting(Object::toString)
                    .containsExactly("/ip4/127.0.0.91/tcp/5001");

            // Without the client certificate the server refuses the handshake.
            Files.delete(certs.resolve("tls.crt"));
            Files.delete(certs.resolve("tls.key"));
            HttpBootstrapper anonymous = new HttpBootstrapper(url, certs);
            assertThatThrownBy(anonymous::get).isInstanceOf(IOException.class);
            // Without our CA the server's self-signed certificate is not trusted.
            assertThatThrownBy(new HttpBootstrapper(url)::get).isInstanceOf(IOException.class);
        } finally {
            https.stop(0);
        }
    }

    @Test
    void inconsistentCertDirsAreRejectedWithUpstreamMessages(@TempDir Path dir) throws Exception {
        KeyStore client = load(keyPair(dir, "client"));
        Path onlyCert = Files.createDirectories(dir.resolve("only-cert"));
        Files.writeString(
                onlyCert.resolve("tls.crt"),
                pem("CERTIFICATE", client.getCertificate("client").getEncoded()));
        assertThatThrownBy(() -> new HttpBootstrapper("https://127.0.0.90:1/id", onlyCert))
                .isInstanceOf(IOException.class)
                .hasMessage("both client TLS certificate and client TLS key must be provided");
        Path onlyKey = Files.createDirectories(dir.resolve("only-key"));
        Files.writeString(
                onlyKey.resolve("tls.key"),
                pem("PRIVATE KEY", client.getKey("client", PW).getEncoded()));
        assertThatThrownBy(() -> new HttpBootstrapper("https://127.0.0.90:1/id", onlyKey))
                .hasMessage("both client TLS certificate and client TLS key must be provided");
        Path badCa = Files.createDirectories(dir.resolve("bad-ca"));
        Files.writeString(badCa.resolve("ca.crt"), "not a certificate\n");
        assertThatThrownBy(() -> new HttpBootstrapper("https://127.0.0.90:1/id", badCa))
                .isInstanceOf(IOException.class)
                .hasMessage("no valid CA certs found");
        // An empty dir is valid: system roots, no client certificate.
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(new HttpBootstrapper("https://127.0.0.90:1/id", empty)).isNotNull();
    }
}

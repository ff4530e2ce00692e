package dev.speglar.e2e.beyond;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.speglar.e2e.MovedTag;
import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.LoopbackAddresses;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TempDirs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fresh tags at a registry with token auth (docker-registry {@code auth: token}, the scheme of Docker Hub and most
 * hosted registries): the registry answers 401 with a Bearer challenge, the agent asks the realm (a token service in
 * this test that issues ES256 JWTs only for the node's Basic credentials) and repeats the HEAD with the token. The
 * agent's log holds neither the credentials nor the token.
 */
@Tag("real")
class FreshTagsTokenAuthE2ETest {
    private static final String REPO = "team/tokens";
    private static final String SERVICE = "speglar-test";
    private static final String ISSUER = "speglar-test-issuer";
    private static final String BASIC =
            "Basic " + Base64.getEncoder().encodeToString("node:t0ken-pass".getBytes(StandardCharsets.UTF_8));

    @Test
    void bearerChallengeIsAnsweredWithATokenBoughtWithTheNodesCredentials() throws Exception {
        Path dir = TempDirs.create("fresh-token");
        TestCa signer = TestCa.create(dir.resolve("signer"), "speglar-token-signer");
        OciLayout layout = OciLayout.init(dir.resolve("layout"));
        ImageFixture v1 = BigImages.generate(layout, REPO, "v1", 1, 16 * 1024, 51);
        ImageFixture v2 = BigImages.generate(layout, REPO, "v2", 1, 16 * 1024, 52);
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        InetAddress tokenIp = LoopbackAddresses.nextAddress();
        HttpServer tokens = HttpServer.create(new InetSocketAddress(tokenIp, 0), 0);
        String realm = "http://" + LoopbackAddresses.hostPort(tokens.getAddress()) + "/token";
        PrivateKey key = pkcs8(signer.caCert().resolveSibling("ca.key"));
        String x5c = Base64.getEncoder()
                .encodeToString(CertificateFactory.getInstance("X.509")
                        .generateCertificate(Files.newInputStream(signer.caCert()))
                        .getEncoded());
        tokens.createContext("/token", x -> {
            String scope = x.getRequestURI().getQuery().replaceAll(".*scope=repository:([^&:]+):pull.*", "$1");
            byte[] body;
            if (BASIC.equals(x.getRequestHeaders().getFirst("Authorization"))) {
                issued.incrementAndGet();
                body = ("{\"token\":\"" + jwt(key, x5c, scope) + "\"}").getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, body.length);
            } else {
                refused.incrementAndGet();
                body = "{}".getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(401, body.length);
            }
            x.getResponseBody().write(body);
            x.close();
        });
        tokens.start();
        try (DistributionRegistry upstream = DistributionRegistry.create().start();
                ContainerdDaemon source = ContainerdDaemon.create().start()) {
            String host = upstream.hostPort();
            // The node pulls latest (v1); then the tag moves upstream.
            MovedTag.pullThenMove(layout, upstream, source, REPO);
            upstream.stop();
            upstream.tokenAuth(realm, SERVICE, ISSUER, signer.caCert()).start();
            source.writeHostsToml(host, """
                    server = "%s"
                    [header]
                      Authorization = "%s"
                    """.formatted(upstream.url(), BASIC));

            InetAddress ip = LoopbackAddresses.nextAddress();
            String registryAddr = ip.getHostAddress() + ":" + LoopbackAddresses.freePort(ip);
            try (AgentJvm agent = new AgentJvm(
                    "agent-token",
                    registryAddr,
                    ip.getHostAddress() + ":" + LoopbackAddresses.freePort(ip),
                    List.of(
                            "--standalone",
                            "--log-level=DEBUG",
                            "--store=containerd",
                            "--containerd-sock=" + source.socket(),
                            "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
                            "--containerd-content-path=" + source.contentDir(),
                            "--containerd-registry-config-path=" + source.certsDir(),
                            "--fresh-tags=latest",
                            "--fresh-tags-timeout=2s"))) {
                String latest = agent.registryUrl + "/v2/" + REPO + "/manifests/latest?ns=" + host;
                assertThat(MovedTag.headDigest(latest)).hasValue(v2.manifest().digest());
                assertThat(issued.get()).isPositive();

                // Without credentials the token service refuses and the node's own answer (v1) stands.
                source.writeHostsToml(host, "server = \"" + upstream.url() + "\"\n");
                assertThat(MovedTag.headDigest(latest)).hasValue(v1.manifest().digest());
                assertThat(refused.get()).isPositive();
                String log = agent.logText();
                assertThat(log).contains("\"level\":\"DEBUG\"");
                assertThat(log)
                        .doesNotContain("t0ken-pass")
                        .doesNotContain(BASIC.substring(6))
                        .doesNotContain("eyJ");
            }
        } finally {
            tokens.stop(0);
        }
    }

    private static PrivateKey pkcs8(Path pem) throws Exception {
        String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** An ES256 JWT in distribution's token format, granting pull on {@code repository}. */
    private static String jwt(PrivateKey key, String x5c, String repository) {
        try {
            long now = Instant.now().getEpochSecond();
            String header = "{\"typ\":\"JWT\",\"alg\":\"ES256\",\"x5c\":[\"" + x5c + "\"]}";
            String claims = ("{\"iss\":\"%s\",\"sub\":\"node\",\"aud\":\"%s\",\"exp\":%d,\"nbf\":%d,\"iat\":%d,"
                            + "\"jti\":\"%d\",\"access\":[{\"type\":\"repository\",\"name\":\"%s\",\"actions\":[\"pull\"]}]}")
                    .formatted(ISSUER, SERVICE, now + 300, now - 10, now, System.nanoTime(), repository);
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String signingInput = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + url.encodeToString(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

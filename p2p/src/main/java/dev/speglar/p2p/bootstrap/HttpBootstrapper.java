package dev.speglar.p2p.bootstrap;

import dev.speglar.p2p.P2pProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLParameters;

/**
 * GETs the /id document of a seed node (10 s timeout, 200 required) and keeps the first 3 entries; over https with
 * TLS 1.2+ and, given a cert dir, its CA pool and client certificate.
 */
public final class HttpBootstrapper implements Bootstrapper {
    static final int KEEP = 3;
    private final URI url;
    private final HttpClient client;

    public HttpBootstrapper(String url) throws IOException {
        this(url, null);
    }

    /** Fails at once (as upstream at startup) when the cert dir's files are inconsistent or invalid. */
    public HttpBootstrapper(String url, Path certDir) throws IOException {
        this.url = URI.create(url);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (certDir != null) {
            b.sslContext(BootstrapTls.context(certDir));
        }
        b.sslParameters(new SSLParameters(null, new String[] {"TLSv1.3", "TLSv1.2"}));
        this.client = b.build();
    }

    @Override
    public List<BootstrapPeer> get() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new IOException("bootstrap " + url + " answered " + resp.statusCode());
            }
            byte[] body = in.readNBytes(IdJson.MAX_BYTES + 1);
            if (body.length > IdJson.MAX_BYTES) {
                throw new P2pProtocolException("bootstrap document too large");
            }
            List<BootstrapPeer> peers = IdJson.parse(new String(body, StandardCharsets.UTF_8));
            return peers.subList(0, Math.min(KEEP, peers.size()));
        }
    }
}

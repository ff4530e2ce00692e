package dev.speglar.registry.tags;

import dev.speglar.oci.Digest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code HEAD /v2/<repo>/manifests/<tag>} at the registry's base URL, anonymously; a Bearer challenge is answered
 * with an anonymous token for {@code repository:<repo>:pull} (how Docker Hub and most registries serve public
 * images). The digest comes from {@code Docker-Content-Digest}.
 */
public final class HttpUpstreamTags implements UpstreamTags {
    static final String ACCEPT = String.join(
            ", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final HttpClient http;
    private final Function<String, URI> baseUrl;
    private final Duration timeout;

    /** @param baseUrl the base URL ({@code https://registry-1.docker.io}) of a registry host ({@code docker.io}) */
    public HttpUpstreamTags(Function<String, URI> baseUrl, Duration timeout) {
        this.baseUrl = baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public CompletableFuture<Optional<Digest>> digest(String registry, String repository, String tag) {
        URI uri = baseUrl.apply(registry).resolve("/v2/" + repository + "/manifests/" + tag);
        return head(uri, null)
                .thenCompose(r -> {
                    if (r.statusCode() == 401) {
                        return token(r, repository).thenCompose(t -> head(uri, t));
                    }
                    return CompletableFuture.completedFuture(r);
                })
                .thenApply(r -> r.statusCode() == 200
                        ? r.headers().firstValue("Docker-Content-Digest").map(Digest::parse)
                        : Optional.empty());
    }

    private CompletableFuture<HttpResponse<Void>> head(URI uri, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(timeout)
                .header("Accept", ACCEPT);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
    }

    private CompletableFuture<String> token(HttpResponse<?> challenge, String repository) {
        String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return CompletableFuture.failedFuture(new IllegalStateException("upstream wants " + header));
        }
        String realm = null;
        String service = null;
        Matcher m = PARAM.matcher(header);
        while (m.find()) {
            if (m.group(1).equals("realm")) {
                realm = m.group(2);
            } else if (m.group(1).equals("service")) {
                service = m.group(2);
            }
        }
        if (realm == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Bearer challenge without realm"));
        }
        String tokenUrl = realm;
        String q = "?scope=" + enc("repository:" + repository + ":pull")
                + (service == null ? "" : "&service=" + enc(service));
        HttpRequest get = HttpRequest.newBuilder(URI.create(realm + q))
                .timeout(timeout)
                .GET()
                .build();
        return http.sendAsync(get, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            Matcher t = Pattern.compile("\"(?:token|access_token)\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(r.body());
            if (r.statusCode() != 200 || !t.find()) {
                throw new IllegalStateException("no anonymous token from " + tokenUrl + " (" + r.statusCode() + ")");
            }
            return t.group(1);
        });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

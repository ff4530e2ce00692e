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
 * {@code HEAD /v2/<repo>/manifests/<tag>} at the registry's base URL, first anonymously. A {@code 401} is answered as
 * Docker clients do: a Basic challenge with the node's {@code Authorization} for that registry (if it has one); a
 * Bearer challenge with a token for {@code repository:<repo>:pull} from the realm, fetched with the node's Basic
 * credentials or anonymously. The digest comes from {@code Docker-Content-Digest}. Credentials and tokens never appear
 * in exceptions or logs.
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
    private final Function<String, Optional<String>> authorization;
    private final Duration timeout;

    /** Anonymous only. */
    public HttpUpstreamTags(Function<String, URI> baseUrl, Duration timeout) {
        this(baseUrl, registry -> Optional.empty(), timeout);
    }

    /**
     * @param baseUrl the base URL ({@code https://registry-1.docker.io}) of a registry host ({@code docker.io})
     * @param authorization the node's {@code Authorization} header value for a registry host ({@code Basic …})
     */
    public HttpUpstreamTags(
            Function<String, URI> baseUrl, Function<String, Optional<String>> authorization, Duration timeout) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
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
                .thenCompose(r -> r.statusCode() == 401
                        ? answer(
                                r,
                                uri,
                                repository,
                                authorization.apply(registry).orElse(null))
                        : CompletableFuture.completedFuture(r))
                .thenApply(r -> r.statusCode() == 200
                        ? r.headers().firstValue("Docker-Content-Digest").map(Digest::parse)
                        : Optional.empty());
    }

    /** The second HEAD after a {@code 401}: with the node's credentials (Basic) or a token (Bearer). */
    private CompletableFuture<HttpResponse<Void>> answer(
            HttpResponse<Void> challenge, URI uri, String repository, String credentials) {
        String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
        if (header.regionMatches(true, 0, "Basic ", 0, 6) || header.equalsIgnoreCase("Basic")) {
            return credentials == null ? CompletableFuture.completedFuture(challenge) : head(uri, credentials);
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return CompletableFuture.failedFuture(new IllegalStateException("upstream wants an unknown auth scheme"));
        }
        boolean basic = credentials != null && credentials.regionMatches(true, 0, "Basic ", 0, 6);
        return token(header, repository, basic ? credentials : null).thenCompose(t -> head(uri, "Bearer " + t));
    }

    private CompletableFuture<HttpResponse<Void>> head(URI uri, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(timeout)
                .header("Accept", ACCEPT);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
    }

    private CompletableFuture<String> token(String header, String repository, String basic) {
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
        HttpRequest.Builder get =
                HttpRequest.newBuilder(URI.create(realm + q)).timeout(timeout).GET();
        if (basic != null) {
            get.header("Authorization", basic);
        }
        return http.sendAsync(get.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            Matcher t = Pattern.compile("\"(?:token|access_token)\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(r.body());
            if (r.statusCode() != 200 || !t.find()) {
                throw new IllegalStateException("no token from " + tokenUrl + " (" + r.statusCode() + ")");
            }
            return t.group(1);
        });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

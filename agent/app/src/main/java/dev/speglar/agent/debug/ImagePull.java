package dev.speglar.agent.debug;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.common.json.Json;
import dev.speglar.oci.Descriptor;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.MediaTypes;
import dev.speglar.store.manifest.ManifestChildren;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pulls an image through this node's own registry, as containerd would through its mirror: the manifest (for an index,
 * the entry for this machine's platform), then the config and every layer, timing each. Content the node lacks comes
 * through the peer mirror, so the timings are what a node pulling from its peers sees.
 */
final class ImagePull implements AutoCloseable {
    private static final String ACCEPT = String.join(
            ", ",
            MediaTypes.OCI_INDEX,
            MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST,
            MediaTypes.DOCKER_MANIFEST);

    /** One fetched piece of content. */
    record Step(String identifier, String mediaType, long size, Duration duration) {}

    private final String base;
    private final String authorization;
    private final String os = "linux";
    private final String architecture = architecture(System.getProperty("os.arch"));
    /**
     * Made on the first measurement: a JDK HttpClient loads the TLS stack and the CA certificates and starts a selector
     * thread, which a node whose debug page nobody opens should not pay for at start or while idle.
     */
    private HttpClient http;

    /** {@code registryUrl} is this node's registry, e.g. {@code http://127.0.0.1:5000}; {@code authorization} may be null. */
    ImagePull(String registryUrl, String authorization) {
        this.base = registryUrl;
        this.authorization = authorization;
    }

    List<Step> pull(ImageName image) throws IOException, InterruptedException {
        List<Step> steps = new ArrayList<>();
        String reference = image.digest() != null ? image.digest().toString() : image.tag();
        Fetched root = manifest(image, reference);
        steps.add(root.step);
        Fetched manifest = root;
        if (MediaTypes.isIndex(root.step.mediaType()) || hasManifests(root.body)) {
            Digest entry = platformEntry(root.body)
                    .orElseThrow(() -> new IOException(
                            "no manifest for " + os + "/" + architecture + " in the index of " + image));
            manifest = manifest(image, entry.toString());
            steps.add(manifest.step);
        }
        List<Descriptor> children;
        try {
            children = ManifestChildren.of(manifest.step.mediaType(), manifest.body);
        } catch (InvalidJsonException e) {
            throw new IOException("manifest " + manifest.step.identifier() + ": " + e.getMessage(), e);
        }
        for (Descriptor d : children) {
            steps.add(blob(image, d));
        }
        return steps;
    }

    private record Fetched(Step step, byte[] body) {}

    private Fetched manifest(ImageName image, String reference) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> r = send(image, "manifests/" + reference, ACCEPT);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(ManifestChildren.MAX_MANIFEST_BYTES + 1);
        }
        if (body.length > ManifestChildren.MAX_MANIFEST_BYTES) {
            throw new IOException(
                    "manifest " + reference + " is larger than " + ManifestChildren.MAX_MANIFEST_BYTES + " bytes");
        }
        String digest = r.headers()
                .firstValue("Docker-Content-Digest")
                .orElse(Digest.sha256(body).toString());
        String type = r.headers().firstValue("Content-Type").orElse(MediaTypes.OCI_MANIFEST);
        return new Fetched(new Step(digest, type, body.length, Duration.ofNanos(System.nanoTime() - start)), body);
    }

    private Step blob(ImageName image, Descriptor d) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> r = send(image, "blobs/" + d.digest(), "*/*");
        long size;
        try (InputStream in = r.body()) {
            size = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return new Step(d.digest().toString(), d.mediaType(), size, Duration.ofNanos(System.nanoTime() - start));
    }

    private HttpResponse<InputStream> send(ImageName image, String tail, String accept)
            throws IOException, InterruptedException {
        URI uri = URI.create(base + "/v2/" + image.repository() + "/" + tail + "?ns="
                + URLEncoder.encode(image.registry(), StandardCharsets.UTF_8));
        HttpRequest.Builder b =
                HttpRequest.newBuilder(uri).header("Accept", accept).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<InputStream> r = client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException("GET " + uri.getRawPath() + " answered " + r.statusCode());
        }
        return r;
    }

    private static boolean hasManifests(byte[] body) {
        try {
            return Json.parseObject(body).get("manifests") instanceof List<?>;
        } catch (InvalidJsonException e) {
            return false;
        }
    }

    private Optional<Digest> platformEntry(byte[] index) throws IOException {
        try {
            if (!(Json.parseObject(index).get("manifests") instanceof List<?> entries)) {
                return Optional.empty();
            }
            for (Object e : entries) {
                if (e instanceof Map<?, ?> m
                        && m.get("platform") instanceof Map<?, ?> p
                        && os.equals(p.get("os"))
                        && architecture.equals(p.get("architecture"))) {
                    return Optional.of(ManifestChildren.descriptor(m, MediaTypes.OCI_MANIFEST)
                            .digest());
                }
            }
            return Optional.empty();
        } catch (InvalidJsonException e) {
            throw new IOException("index: " + e.getMessage(), e);
        }
    }

    /** The OCI architecture name of a JVM {@code os.arch}. */
    static String architecture(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "arm" -> "arm";
            default -> osArch;
        };
    }

    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return http;
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
    }
}

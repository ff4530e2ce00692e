package dev.speglar.agent.debug;

import dev.speglar.common.json.Json;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.InvalidReferenceException;
import dev.speglar.registry.metrics.DebugHandler;
import dev.speglar.registry.metrics.DebugRequest;
import dev.speglar.registry.metrics.DebugResponse;
import dev.speglar.routing.Router;
import dev.speglar.store.ContentStore;
import dev.speglar.store.Image;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The debug web UI under {@code /debug/web/}: an index page that polls {@code stats} (this node's peer id and
 * addresses, last mirror success, peers, images) and runs {@code measure} (a DHT lookup of a reference with the time
 * each provider took, then a pull through this node's registry with the time each blob took); and
 * {@code metadata}, the JSON upstream's e2e reads to compare peer ids across restarts.
 */
public final class DebugWeb implements DebugHandler, AutoCloseable {
    public static final String PREFIX = "/debug/web/";
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(3);

    /** What the pages show about this node. */
    public record Node(
            Supplier<String> peerId,
            Supplier<List<InetAddress>> addresses,
            Supplier<Optional<Instant>> lastMirrorSuccess) {}

    private final Node node;
    private final Router router;
    private final ContentStore store;
    private final Predicate<ImageName> excluded;
    private final ImagePull puller;
    private final String index;

    /**
     * @param registryUrl this node's registry as reachable from itself, e.g. {@code http://127.0.0.1:5000}
     * @param authorization the registry's {@code Authorization} header value, or null
     */
    public DebugWeb(
            Node node,
            Router router,
            ContentStore store,
            Predicate<ImageName> excluded,
            String registryUrl,
            String authorization) {
        this.node = node;
        this.router = router;
        this.store = store;
        this.excluded = excluded;
        this.puller = new ImagePull(registryUrl, authorization);
        this.index = resource("index.html");
    }

    @Override
    public DebugResponse handle(DebugRequest request) throws Exception {
        return switch (request.path().substring(PREFIX.length())) {
            case "" -> DebugResponse.ok(DebugResponse.HTML, index);
            case "metadata" -> DebugResponse.ok(DebugResponse.JSON, metadata());
            case "stats" -> DebugResponse.ok(DebugResponse.HTML, stats());
            case "measure" -> measure(request.param("image"));
            default -> DebugResponse.of(404, DebugResponse.TEXT, "not found\n");
        };
    }

    /** {@code {"libp2p":{"id":"<peer id>"}}}, the shape upstream's page serves. */
    String metadata() {
        StringBuilder b = new StringBuilder("{\"libp2p\":{\"id\":");
        Json.quote(b, node.peerId().get());
        return b.append("}}").toString();
    }

    String stats() throws IOException {
        List<Image> images =
                store.images().stream().filter(i -> !excluded.test(i.name())).toList();
        return new StatsView(
                        node.peerId().get(),
                        node.addresses().get(),
                        node.lastMirrorSuccess().get(),
                        router.peers(),
                        images,
                        Instant.now())
                .render();
    }

    DebugResponse measure(Optional<String> param) throws InterruptedException {
        if (param.isEmpty()) {
            return DebugResponse.of(400, DebugResponse.HTML, Html.error("image name cannot be empty"));
        }
        ImageName image;
        try {
            image = ImageName.parseNormalized(param.get().strip());
        } catch (InvalidReferenceException e) {
            return DebugResponse.of(
                    400, DebugResponse.HTML, Html.error("invalid image " + param.get() + ": " + e.getMessage()));
        }
        LookupMeasure lookup = LookupMeasure.run(router, image.identifier(), LOOKUP_TIMEOUT);
        boolean local = heldLocally(image);
        MeasureView view = new MeasureView(image, lookup, local);
        if (lookup.providers().isEmpty() && !local) {
            return DebugResponse.ok(DebugResponse.HTML, view.render(List.of(), null));
        }
        long start = System.nanoTime();
        try {
            List<ImagePull.Step> steps = puller.pull(image);
            return DebugResponse.ok(
                    DebugResponse.HTML, view.render(steps, Duration.ofNanos(System.nanoTime() - start)));
        } catch (IOException e) {
            return DebugResponse.of(
                    502, DebugResponse.HTML, view.renderLookup() + Html.error("pull failed: " + e.getMessage()));
        }
    }

    private boolean heldLocally(ImageName image) {
        try {
            return image.digest() != null
                    ? store.descriptor(image.digest()).isPresent()
                    : store.resolve(image).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static String resource(String name) {
        try (InputStream in = DebugWeb.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        puller.close();
    }
}

package dev.speglar.registry.http;

import dev.speglar.oci.Descriptor;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.MissHandler;
import dev.speglar.registry.OciErrors;
import dev.speglar.registry.Readiness;
import dev.speglar.registry.RegistryException;
import dev.speglar.registry.filter.PeerSharing;
import dev.speglar.registry.filter.ReferenceFilter;
import dev.speglar.registry.filter.ReferenceFilters;
import dev.speglar.registry.inflight.ArrivalResponder;
import dev.speglar.registry.inflight.InFlightSharing;
import dev.speglar.registry.tags.FreshTags;
import dev.speglar.routing.Router;
import dev.speglar.store.ContentStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes registry requests: {@code /readyz}, {@code /livez}, {@code /v2/} and the read API. Content found in the local
 * store is served here; a miss goes to the {@link MissHandler}, except for requests another node forwarded
 * ({@code X-Spegel-Mirrored: true}), which are answered 404 so requests never loop between nodes.
 */
@Sharable
public final class RegistryHandler extends SimpleChannelInboundHandler<HttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
    static final String MIRRORED_HEADER = "X-Spegel-Mirrored";

    /** Everything the handler needs; built by {@code RegistryServer}. */
    public record Config(
            ContentStore store,
            Router router,
            MissHandler missHandler,
            DistributionPathParser parser,
            List<ReferenceFilter> filters,
            BasicAuth auth,
            Readiness readiness,
            Executor storeExecutor,
            Supplier<List<String>> readinessNotes,
            InFlightSharing inFlight,
            int uploadLimit,
            PrometheusRegistry metrics,
            FreshTags freshTags,
            PeerSharing sharing) {
        public Config {
            readinessNotes = readinessNotes == null ? List::of : readinessNotes;
        }

        /** Upstream's behaviour: no readiness notes, in-flight sharing, upload limit, fresh tags or sharing rules. */
        public Config(
                ContentStore store,
                Router router,
                MissHandler missHandler,
                DistributionPathParser parser,
                List<ReferenceFilter> filters,
                BasicAuth auth,
                Readiness readiness,
                Executor storeExecutor) {
            this(
                    store,
                    router,
                    missHandler,
                    parser,
                    filters,
                    auth,
                    readiness,
                    storeExecutor,
                    null,
                    null,
                    0,
                    null,
                    null,
                    null);
        }
    }

    private final Config config;
    private final LocalContent local;
    private final LocalResponder responder;
    private final ReadinessProbe readiness;
    private final ArrivalResponder arrivals;
    private final UploadLimiter uploads;

    public RegistryHandler(Config config) {
        this.config = config;
        this.local = new LocalContent(config.store());
        this.responder = new LocalResponder(config.store());
        this.readiness =
                new ReadinessProbe(config.router(), config.store(), config.readiness(), config.readinessNotes());
        this.arrivals = config.inFlight() == null ? null : new ArrivalResponder(config.inFlight());
        this.uploads = new UploadLimiter(config.uploadLimit(), config.metrics());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            OciErrors.writeEmpty(ctx, decodeFailureStatus(decoded.cause()), false);
            return;
        }
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            // Read-only registry. The connection is closed because a request body may follow that we will not read.
            FullHttpResponse r = OciErrors.response(
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    OciErrors.UNSUPPORTED,
                    "method " + method.name() + " is not supported by this read-only mirror",
                    null,
                    false);
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            OciErrors.send(ctx, r, false);
            return;
        }
        boolean head = method.equals(HttpMethod.HEAD);
        String uri = request.uri();
        int q = uri.indexOf('?');
        try {
            String path = decodedPath(q < 0 ? uri : uri.substring(0, q));
            route(ctx, request, head, path, q < 0 ? null : uri.substring(q + 1), keepAlive);
        } catch (RegistryException e) {
            refuse(ctx, e, head, keepAlive);
        }
    }

    /** Decoded once before routing, as Go's net/http does for upstream; then validated by the path grammar. */
    private static String decodedPath(String raw) {
        try {
            return PercentDecoding.path(raw);
        } catch (IllegalArgumentException e) {
            throw RegistryException.empty(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private void route(
            ChannelHandlerContext ctx,
            HttpRequest request,
            boolean head,
            String path,
            String query,
            boolean keepAlive) {
        switch (path) {
            case "/readyz" -> {
                HttpExchangeHandler.tag(ctx.channel(), "readyz", "");
                readiness.answer(ctx, head, query != null && Query.first(query, "verbose") != null, keepAlive);
            }
            case "/livez" -> {
                HttpExchangeHandler.tag(ctx.channel(), "livez", "");
                OciErrors.writeEmpty(ctx, HttpResponseStatus.OK, keepAlive);
            }
            case "/v2" -> {
                FullHttpResponse r = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY, Unpooled.EMPTY_BUFFER);
                r.headers().set(HttpHeaderNames.LOCATION, "/v2/").setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                OciErrors.send(ctx, r, keepAlive);
            }
            default -> {
                if (!path.startsWith("/v2/")) {
                    throw RegistryException.empty(HttpResponseStatus.NOT_FOUND, "page not found");
                }
                if (config.auth() != null
                        && !config.auth().accepts(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                    throw new RegistryException(
                            HttpResponseStatus.UNAUTHORIZED, OciErrors.UNAUTHORIZED, "invalid credentials");
                }
                if (path.equals("/v2/")) {
                    HttpExchangeHandler.tag(ctx.channel(), "v2", "");
                    FullHttpResponse r = new DefaultFullHttpResponse(
                            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
                    // Docker's registry ping looks for Docker-Distribution-API-Version (HttpExchangeHandler sets it).
                    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                    OciErrors.send(ctx, r, keepAlive);
                    return;
                }
                distribution(ctx, request, head, path, query, keepAlive);
            }
        }
    }

    private void distribution(
            ChannelHandlerContext ctx,
            HttpRequest request,
            boolean head,
            String path,
            String query,
            boolean keepAlive) {
        DistributionRequest dr = config.parser()
                .parse(
                        head,
                        path,
                        Query.first(query, "ns"),
                        request.headers().get(HttpHeaderNames.RANGE),
                        "true".equals(request.headers().get(MIRRORED_HEADER)));
        HttpExchangeHandler.tag(
                ctx.channel(), dr.kind() == DistributionRequest.Kind.BLOB ? "blob" : "manifest", dr.registry());
        if (ReferenceFilters.excluded(config.filters(), dr.registry(), dr.repository(), dr.tag())) {
            throw RegistryException.empty(HttpResponseStatus.NOT_FOUND, "filtered");
        }
        if (config.freshTags() != null && dr.tag() != null) {
            // Asked upstream asynchronously; serving continues on this connection's loop (then as below).
            config.freshTags().resolve(dr).thenAccept(r -> ctx.executor().execute(() -> dispatch(ctx, r, keepAlive)));
            return;
        }
        dispatch(ctx, dr, keepAlive);
    }

    private void dispatch(ChannelHandlerContext ctx, DistributionRequest dr, boolean keepAlive) {
        Executor executor = config.storeExecutor();
        if (executor == null) {
            serve(ctx, dr, keepAlive);
        } else {
            executor.execute(() -> serve(ctx, dr, keepAlive));
        }
    }

    /** False (and counted) when the sharing policy keeps {@code dr} away from peers. */
    private boolean sharedWithPeers(DistributionRequest dr, String direction) {
        PeerSharing sharing = config.sharing();
        if (sharing == null || sharing.shares(dr.registry(), dr.repository())) {
            return true;
        }
        sharing.refused(direction, dr.registry());
        return false;
    }

    private void serve(ChannelHandlerContext ctx, DistributionRequest dr, boolean keepAlive) {
        boolean blob = dr.kind() == DistributionRequest.Kind.BLOB;
        if (dr.mirrored() && !sharedWithPeers(dr, "serve")) {
            OciErrors.write(
                    ctx,
                    HttpResponseStatus.NOT_FOUND,
                    blob ? OciErrors.BLOB_UNKNOWN : OciErrors.MANIFEST_UNKNOWN,
                    "not shared with peers",
                    null,
                    dr.head(),
                    keepAlive);
            return;
        }
        if (dr.mirrored() && blob && !dr.head() && !uploads.tryAcquire(ctx.channel())) {
            FullHttpResponse busy = OciErrors.response(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    OciErrors.TOO_MANY_REQUESTS,
                    "upload limit reached",
                    null,
                    false);
            busy.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
            OciErrors.send(ctx, busy, keepAlive);
            return;
        }
        Optional<Descriptor> found = local.find(dr);
        if (found.isPresent()) {
            responder.serve(ctx, dr, found.get(), keepAlive);
        } else if (dr.mirrored()
                && blob
                && dr.digest() != null
                && arrivals != null
                && arrivals.serve(ctx, dr, keepAlive)) {
            HttpExchangeHandler.tag(ctx.channel(), "arriving", dr.registry());
        } else if (dr.mirrored()) {
            OciErrors.write(
                    ctx,
                    HttpResponseStatus.NOT_FOUND,
                    blob ? OciErrors.BLOB_UNKNOWN : OciErrors.MANIFEST_UNKNOWN,
                    (blob
                                    ? "could not get blob "
                                    : dr.tag() != null
                                            ? "could not get digest for image tag "
                                            : "could not get manifest ")
                            + dr.key(),
                    null,
                    dr.head(),
                    keepAlive);
        } else if (!sharedWithPeers(dr, "ask")) {
            OciErrors.write(
                    ctx,
                    HttpResponseStatus.NOT_FOUND,
                    blob ? OciErrors.BLOB_UNKNOWN : OciErrors.MANIFEST_UNKNOWN,
                    "not asked of peers (private)",
                    null,
                    dr.head(),
                    keepAlive);
        } else {
            HttpExchangeHandler.tag(ctx.channel(), "mirror", dr.registry());
            config.missHandler().handle(ctx, dr, keepAlive);
        }
    }

    private static void refuse(ChannelHandlerContext ctx, RegistryException e, boolean head, boolean keepAlive) {
        if (e.code() == null) {
            OciErrors.writeEmpty(ctx, e.status(), keepAlive);
        } else {
            OciErrors.write(ctx, e.status(), e.code(), e.getMessage(), null, head, keepAlive);
        }
    }

    static HttpResponseStatus decodeFailureStatus(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Nothing reaches here for bad input; an I/O error or a bug mid-response leaves no clean way to answer.
        LOG.debug("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}

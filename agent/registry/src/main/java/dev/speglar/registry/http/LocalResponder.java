package dev.speglar.registry.http;

import dev.speglar.oci.Descriptor;
import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.ByteRange;
import dev.speglar.registry.DistributionRequest;
import dev.speglar.registry.DistributionRequest.Kind;
import dev.speglar.registry.InvalidRangeException;
import dev.speglar.registry.OciErrors;
import dev.speglar.store.Blob;
import dev.speglar.store.ContentStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.util.Optional;

/** Serves content present in the local store: manifests and blobs, whole or by range, HEAD without a body. */
final class LocalResponder {
    static final AsciiString DOCKER_CONTENT_DIGEST = AsciiString.cached("Docker-Content-Digest");
    static final AsciiString OCI_NAMESPACE = AsciiString.cached("OCI-Namespace");
    private static final AsciiString BYTES = AsciiString.cached("bytes");
    private static final AsciiString OCTET_STREAM = AsciiString.cached(MediaTypes.OCTET_STREAM);

    private final ContentStore store;

    LocalResponder(ContentStore store) {
        this.store = store;
    }

    void serve(ChannelHandlerContext ctx, DistributionRequest request, Descriptor d, boolean keepAlive) {
        boolean blob = request.kind() == Kind.BLOB;
        // Manifests are served only under /manifests/ and everything else only under /blobs/, as upstream does.
        if (MediaTypes.isManifest(d.mediaType()) == blob) {
            notFound(ctx, request, d, keepAlive);
            return;
        }
        HttpResponseStatus status = HttpResponseStatus.OK;
        long offset = 0;
        long length = d.size();
        CharSequence contentType = d.mediaType();
        String contentRange = null;
        if (blob && request.range().isPresent()) {
            ByteRange.Resolved r;
            try {
                r = request.range().get().resolve(d.size());
            } catch (InvalidRangeException e) {
                FullHttpResponse refused = OciErrors.response(
                        HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        OciErrors.RANGE_INVALID,
                        e.getMessage(),
                        null,
                        request.head());
                refused.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + d.size());
                OciErrors.send(ctx, refused, keepAlive);
                return;
            }
            status = HttpResponseStatus.PARTIAL_CONTENT;
            offset = r.first();
            length = r.length();
            contentType = OCTET_STREAM;
            contentRange = r.contentRange();
        }
        if (request.head()) {
            FullHttpResponse head = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
            headers(head.headers(), request, d, contentType, length, contentRange);
            OciErrors.send(ctx, head, keepAlive);
            return;
        }
        BodyWriter.Source source;
        try {
            Optional<Blob> b = store.open(d.digest());
            if (b.isEmpty()) {
                notFound(ctx, request, d, keepAlive);
                return;
            }
            source = BodyWriter.open(b.get(), offset, length);
        } catch (IOException | RuntimeException e) {
            notFound(ctx, request, d, keepAlive);
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        headers(head.headers(), request, d, contentType, length, contentRange);
        BodyWriter.write(ctx, head, source, keepAlive);
    }

    private static void headers(
            HttpHeaders h,
            DistributionRequest request,
            Descriptor d,
            CharSequence contentType,
            long length,
            String contentRange) {
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(DOCKER_CONTENT_DIGEST, d.digest().toString());
        if (!request.registry().isEmpty()) {
            h.set(OCI_NAMESPACE, request.registry());
        }
        if (request.kind() == Kind.BLOB) {
            h.set(HttpHeaderNames.ACCEPT_RANGES, BYTES);
            if (contentRange != null) {
                h.set(HttpHeaderNames.CONTENT_RANGE, contentRange);
            }
        }
    }

    private static void notFound(ChannelHandlerContext ctx, DistributionRequest r, Descriptor d, boolean keepAlive) {
        boolean blob = r.kind() == Kind.BLOB;
        OciErrors.write(
                ctx,
                HttpResponseStatus.NOT_FOUND,
                blob ? OciErrors.BLOB_UNKNOWN : OciErrors.MANIFEST_UNKNOWN,
                (blob ? "could not get blob " : "could not get manifest ") + d.digest(),
                null,
                r.head(),
                keepAlive);
    }
}

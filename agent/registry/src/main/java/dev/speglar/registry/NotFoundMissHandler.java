package dev.speglar.registry;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The miss handler of a node without peers: answers 404 at once so containerd falls back to the next host. The code
 * is {@code BLOB_UNKNOWN} or {@code MANIFEST_UNKNOWN} by request kind.
 */
public final class NotFoundMissHandler implements MissHandler {

    public static final NotFoundMissHandler INSTANCE = new NotFoundMissHandler();

    @Override
    public void handle(ChannelHandlerContext ctx, DistributionRequest request, boolean keepAlive) {
        boolean blob = request.kind() == DistributionRequest.Kind.BLOB;
        String code = blob ? OciErrors.BLOB_UNKNOWN : OciErrors.MANIFEST_UNKNOWN;
        String what = blob ? "blob " : request.tag() != null ? "manifest for tag " : "manifest ";
        OciErrors.write(
                ctx,
                HttpResponseStatus.NOT_FOUND,
                code,
                "could not find " + what + request.key(),
                null,
                request.head(),
                keepAlive);
    }
}

package dev.speglar.registry;

import io.netty.channel.ChannelHandlerContext;

/**
 * Answers a request for content this node does not hold. The registry calls it after a local miss (never for a
 * request another node forwarded). Implementations write the complete response to {@code ctx}: content streamed from
 * a peer, or a prompt 404 with an OCI error body so containerd falls back to the next host.
 */
public interface MissHandler {
    void handle(ChannelHandlerContext ctx, DistributionRequest request, boolean keepAlive);
}

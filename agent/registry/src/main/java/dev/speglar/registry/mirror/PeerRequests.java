package dev.speglar.registry.mirror;

import dev.speglar.oci.MediaTypes;
import dev.speglar.registry.DistributionRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Builds the request forwarded to a peer (Spegel §2.6.2): marked as mirrored so the peer never forwards it again. */
final class PeerRequests {
    static final String USER_AGENT = "speglar";

    static HttpRequest build(DistributionRequest req, InetSocketAddress target, String rangeHeader, String basicAuth) {
        HttpRequest r = new DefaultHttpRequest(
                HttpVersion.HTTP_1_1, req.head() ? HttpMethod.HEAD : HttpMethod.GET, req.forwardPathAndQuery());
        var h = r.headers();
        h.set(HttpHeaderNames.HOST, host(target));
        h.set("X-Spegel-Mirrored", "true");
        h.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
        h.add(HttpHeaderNames.ACCEPT, MediaTypes.OCI_MANIFEST);
        h.add(HttpHeaderNames.ACCEPT, MediaTypes.DOCKER_MANIFEST);
        h.add(HttpHeaderNames.ACCEPT, MediaTypes.OCI_INDEX);
        h.add(HttpHeaderNames.ACCEPT, MediaTypes.DOCKER_MANIFEST_LIST);
        if (basicAuth != null) {
            h.set(HttpHeaderNames.AUTHORIZATION, basicAuth);
        }
        if (rangeHeader != null) {
            h.set(HttpHeaderNames.RANGE, rangeHeader);
        }
        return r;
    }

    private static String host(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + ip.replaceFirst("%.*$", "") + "]" : ip) + ":"
                + a.getPort();
    }

    private PeerRequests() {}
}

package dev.speglar.registry.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.function.Consumer;

/**
 * First handler of a registry connection when peer TLS is on. A connection that starts with a TLS record gets mutual
 * TLS (a client without a certificate signed by the CA gets nothing: the handshake fails and the connection closes).
 * A plain-HTTP connection is served only from this node itself (loopback, or the listen address: containerd on the
 * node, with basic auth as before); from anywhere else it is closed before a byte is answered.
 */
public final class TlsOrLocal extends ByteToMessageDecoder {
    private final PeerTls tls;
    private final InetAddress listenIp;
    private final Consumer<String> refused;

    /** @param refused told {@code plaintext} or {@code handshake} for each refused connection */
    public TlsOrLocal(PeerTls tls, InetAddress listenIp, Consumer<String> refused) {
        this.tls = tls;
        this.listenIp = listenIp;
        this.refused = refused;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) {
            return; // SslHandler.isEncrypted needs a record header
        }
        if (SslHandler.isEncrypted(in, false)) {
            SslHandler ssl = tls.server().newHandler(ctx.alloc());
            ctx.pipeline().addAfter(ctx.name(), "tls", ssl);
            ctx.pipeline().addAfter("tls", "tls-failures", new HandshakeFailures(refused));
            ctx.pipeline().remove(this);
        } else if (isLocal(ctx.channel().remoteAddress())) {
            ctx.pipeline().remove(this);
        } else {
            refused.accept("plaintext");
            in.skipBytes(in.readableBytes());
            ctx.close();
        }
    }

    private boolean isLocal(java.net.SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress a)) {
            return false;
        }
        InetAddress ip = a.getAddress();
        if (ip.equals(listenIp)
                || ip.equals(InetAddress.getLoopbackAddress())
                || ip.getHostAddress().equals("127.0.0.1")
                || ip.getHostAddress().equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        if (listenIp != null && !listenIp.isAnyLocalAddress()) {
            return false;
        }
        try {
            return NetworkInterface.getByInetAddress(ip) != null; // one of this host's own addresses
        } catch (SocketException e) {
            return false;
        }
    }

    /** Counts failed handshakes (no or untrusted client certificate); SslHandler closes the connection itself. */
    private static final class HandshakeFailures extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final Consumer<String> refused;

        HandshakeFailures(Consumer<String> refused) {
            this.refused = refused;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                if (!e.isSuccess()) {
                    refused.accept("handshake");
                    ctx.close();
                }
                ctx.pipeline().remove(this);
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}

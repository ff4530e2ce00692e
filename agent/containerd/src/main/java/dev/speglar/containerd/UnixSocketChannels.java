package dev.speglar.containerd;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.netty.channel.epoll.Epoll;
import java.nio.file.Path;

/**
 * gRPC channels to a Unix socket. grpc-netty reaches Unix sockets only through Netty's epoll transport, whose native
 * library Netty loads from {@code java.library.path} (the launchers, packages and image ship it unpacked there) or
 * else unpacks into {@code java.io.tmpdir}. When neither works gRPC's own message ("does not support
 * DomainSocketAddress") does not say why. This says it.
 */
public final class UnixSocketChannels {
    private UnixSocketChannels() {}

    public static ManagedChannelBuilder<?> builder(Path socket) {
        if (!Epoll.isAvailable()) {
            Throwable cause = Epoll.unavailabilityCause();
            throw new IllegalStateException(
                    "cannot connect to " + socket + ": Netty's epoll transport is unavailable ("
                            + (cause == null ? "unknown cause" : cause.getMessage()) + "). Put the directory holding "
                            + "libnetty_transport_native_epoll_x86_64.so on java.library.path ("
                            + System.getProperty("java.library.path")
                            + ", as bin/speglar-agent, the packages and the image do), or let Netty unpack it into a writable, exec "
                            + "java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ")",
                    cause);
        }
        return Grpc.newChannelBuilder("unix:" + socket.toAbsolutePath(), InsecureChannelCredentials.create());
    }
}

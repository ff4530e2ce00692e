package dev.speglar.containerd;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.netty.channel.epoll.Epoll;
import java.nio.file.Path;

/**
 * gRPC channels to a Unix socket. grpc-netty reaches Unix sockets only through Netty's epoll transport, whose native
 * library Netty unpacks into {@code java.io.tmpdir}; on a read-only root without a writable /tmp that fails, and
 * gRPC's own message ("does not support DomainSocketAddress") does not say why. This says it.
 */
public final class UnixSocketChannels {
  private UnixSocketChannels() {}

  public static ManagedChannelBuilder<?> builder(Path socket) {
    if (!Epoll.isAvailable()) {
      Throwable cause = Epoll.unavailabilityCause();
      throw new IllegalStateException("cannot connect to " + socket + ": Netty's epoll transport is unavailable ("
          + (cause == null ? "unknown cause" : cause.getMessage()) + "). It unpacks a native library into "
          + "java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + "), which must be writable: mount an emptyDir "
          + "on /tmp, or point -Dio.netty.native.workdir at a writable directory", cause);
    }
    return Grpc.newChannelBuilder("unix:" + socket.toAbsolutePath(), InsecureChannelCredentials.create());
  }
}

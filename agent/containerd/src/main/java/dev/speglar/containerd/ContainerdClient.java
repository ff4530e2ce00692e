package dev.speglar.containerd;

import com.google.protobuf.Empty;
import dev.speglar.containerd.api.content.ContentGrpc;
import dev.speglar.containerd.api.content.Info;
import dev.speglar.containerd.api.content.InfoRequest;
import dev.speglar.containerd.api.content.ListContentRequest;
import dev.speglar.containerd.api.content.ReadContentRequest;
import dev.speglar.containerd.api.events.Envelope;
import dev.speglar.containerd.api.events.EventsGrpc;
import dev.speglar.containerd.api.events.SubscribeRequest;
import dev.speglar.containerd.api.images.GetImageRequest;
import dev.speglar.containerd.api.images.Image;
import dev.speglar.containerd.api.images.ImagesGrpc;
import dev.speglar.containerd.api.images.ListImagesRequest;
import dev.speglar.containerd.api.introspection.IntrospectionGrpc;
import dev.speglar.containerd.api.introspection.Plugin;
import dev.speglar.containerd.api.introspection.PluginsRequest;
import dev.speglar.containerd.api.version.VersionGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Blocking calls to the containerd API over its unix socket. Every call names its containerd namespace (gRPC
 * metadata {@code containerd-namespace}); failures surface as {@link ContainerdException} with the gRPC status.
 */
public final class ContainerdClient implements AutoCloseable {
    static final Metadata.Key<String> NAMESPACE =
            Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final Duration callTimeout;

    /** Connects (lazily) to the socket at {@code socket}, an absolute path. */
    public static ContainerdClient connect(Path socket, Duration callTimeout) {
        ManagedChannel ch = UnixSocketChannels.builder(socket)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
        return new ContainerdClient(ch, callTimeout);
    }

    /** Uses an existing channel (in-process servers in tests); the client owns and closes it. */
    public ContainerdClient(ManagedChannel channel, Duration callTimeout) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
    }

    private Channel in(String namespace) {
        Metadata md = new Metadata();
        md.put(NAMESPACE, namespace);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
    }

    public String version() throws ContainerdException {
        return call(
                "version",
                () -> VersionGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(timeoutMs(), TimeUnit.MILLISECONDS)
                        .version(Empty.getDefaultInstance())
                        .getVersion());
    }

    public List<Image> listImages(String namespace, List<String> filters) throws ContainerdException {
        return call(
                "list images",
                () -> ImagesGrpc.newBlockingStub(in(namespace))
                        .withDeadlineAfter(timeoutMs(), TimeUnit.MILLISECONDS)
                        .list(ListImagesRequest.newBuilder()
                                .addAllFilters(filters)
                                .build())
                        .getImagesList());
    }

    public Optional<Image> getImage(String namespace, String name) throws ContainerdException {
        return optional(
                "get image",
                () -> ImagesGrpc.newBlockingStub(in(namespace))
                        .withDeadlineAfter(timeoutMs(), TimeUnit.MILLISECONDS)
                        .get(GetImageRequest.newBuilder().setName(name).build())
                        .getImage());
    }

    public Optional<Info> info(String namespace, String digest) throws ContainerdException {
        return optional(
                "content info",
                () -> ContentGrpc.newBlockingStub(in(namespace))
                        .withDeadlineAfter(timeoutMs(), TimeUnit.MILLISECONDS)
                        .info(InfoRequest.newBuilder().setDigest(digest).build())
                        .getInfo());
    }

    public List<Info> listContent(String namespace) throws ContainerdException {
        return call("list content", () -> {
            List<Info> out = new ArrayList<>();
            ContentGrpc.newBlockingStub(in(namespace))
                    .withDeadlineAfter(timeoutMs(), TimeUnit.MILLISECONDS)
                    .list(ListContentRequest.getDefaultInstance())
                    .forEachRemaining(r -> out.addAll(r.getInfoList()));
            return out;
        });
    }

    /** The exports of a plugin (e.g. type {@code io.containerd.content.v1}, id {@code content} exports {@code root}). */
    public Map<String, String> pluginExports(String type, String id) throws ContainerdException {
        return call("introspection", () -> {
            for (Plugin p : IntrospectionGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeoutMs(), TimeUnit.MILLISECONDS)
                    .plugins(PluginsRequest.newBuilder()
                            .addFilters("type==" + type + ",id==" + id)
                            .build())
                    .getPluginsList()) {
                if (p.getType().equals(type) && p.getId().equals(id)) {
                    return p.getExportsMap();
                }
            }
            return Map.of();
        });
    }

    /**
     * Streams content from {@code offset} to the end. The stream has no deadline (blobs can be large and readers slow);
     * closing it cancels the call.
     */
    public InputStream read(String namespace, String digest, long offset) throws ContainerdException {
        Context.CancellableContext ctx = Context.current().withCancellation();
        try {
            Iterator<dev.speglar.containerd.api.content.ReadContentResponse> it =
                    ctx.call(() -> ContentGrpc.newBlockingStub(in(namespace))
                            .read(ReadContentRequest.newBuilder()
                                    .setDigest(digest)
                                    .setOffset(offset)
                                    .build()));
            return new ContentReadStream(it, ctx);
        } catch (Exception e) {
            ctx.cancel(e);
            throw e instanceof StatusRuntimeException s
                    ? ContainerdException.of("read content", s)
                    : new ContainerdException("read content: " + e, Status.Code.UNKNOWN);
        }
    }

    /**
     * Subscribes to events matching any of {@code filters} (containerd filter syntax). Cancel the returned context to
     * unsubscribe; the observer then sees {@code onError} with CANCELLED.
     */
    public Context.CancellableContext subscribe(List<String> filters, StreamObserver<Envelope> observer) {
        Context.CancellableContext ctx = Context.current().withCancellation();
        ctx.run(() -> EventsGrpc.newStub(channel)
                .subscribe(SubscribeRequest.newBuilder().addAllFilters(filters).build(), observer));
        return ctx;
    }

    /** Skips the channel's reconnect backoff (containerd may just have come back). */
    public void resetConnectBackoff() {
        channel.resetConnectBackoff();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long timeoutMs() {
        return callTimeout.toMillis();
    }

    private interface Call<T> {
        T run();
    }

    private static <T> T call(String what, Call<T> c) throws ContainerdException {
        try {
            return c.run();
        } catch (StatusRuntimeException e) {
            throw ContainerdException.of(what, e);
        }
    }

    private static <T> Optional<T> optional(String what, Call<T> c) throws ContainerdException {
        try {
            return Optional.of(c.run());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw ContainerdException.of(what, e);
        }
    }
}

package dev.speglar.containerd;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import dev.speglar.containerd.api.content.ContentGrpc;
import dev.speglar.containerd.api.content.Info;
import dev.speglar.containerd.api.content.InfoRequest;
import dev.speglar.containerd.api.content.InfoResponse;
import dev.speglar.containerd.api.content.ListContentRequest;
import dev.speglar.containerd.api.content.ListContentResponse;
import dev.speglar.containerd.api.content.ReadContentRequest;
import dev.speglar.containerd.api.content.ReadContentResponse;
import dev.speglar.containerd.api.events.Envelope;
import dev.speglar.containerd.api.events.EventSubject;
import dev.speglar.containerd.api.events.EventsGrpc;
import dev.speglar.containerd.api.events.SubscribeRequest;
import dev.speglar.containerd.api.images.GetImageRequest;
import dev.speglar.containerd.api.images.GetImageResponse;
import dev.speglar.containerd.api.images.Image;
import dev.speglar.containerd.api.images.ImagesGrpc;
import dev.speglar.containerd.api.images.ListImagesRequest;
import dev.speglar.containerd.api.images.ListImagesResponse;
import dev.speglar.containerd.api.introspection.IntrospectionGrpc;
import dev.speglar.containerd.api.introspection.Plugin;
import dev.speglar.containerd.api.introspection.PluginsRequest;
import dev.speglar.containerd.api.introspection.PluginsResponse;
import dev.speglar.containerd.api.types.Descriptor;
import dev.speglar.containerd.api.version.VersionGrpc;
import dev.speglar.containerd.api.version.VersionResponse;
import dev.speglar.oci.Digest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process containerd for unit tests: images and content per namespace, events on change, and switches to
 * simulate an outage. Real-daemon behaviour is covered by the tests against containerd itself.
 */
final class FakeContainerd implements AutoCloseable {
    static final Context.Key<String> NS = Context.key("ns");

    final Map<String, Map<String, Image>> images = new ConcurrentHashMap<>();
    final Map<String, Map<String, byte[]>> content = new ConcurrentHashMap<>();
    final Set<String> namespacesSeen = ConcurrentHashMap.newKeySet();
    final AtomicBoolean down = new AtomicBoolean();
    /** Content listings to fail with INTERNAL before answering again (a flaky daemon whose event stream stays up). */
    final java.util.concurrent.atomic.AtomicInteger failingLists = new java.util.concurrent.atomic.AtomicInteger();

    volatile String contentRoot;
    private final CopyOnWriteArrayList<ServerCallStreamObserver<Envelope>> subscribers = new CopyOnWriteArrayList<>();
    private final String name = "fake-containerd-" + System.nanoTime();
    private final Server server;

    FakeContainerd() throws IOException {
        ServerInterceptor nsInterceptor = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                if (down.get()) {
                    call.close(Status.UNAVAILABLE.withDescription("fake containerd is down"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                String ns = headers.get(ContainerdClient.NAMESPACE);
                if (ns != null) {
                    namespacesSeen.add(ns);
                }
                return Contexts.interceptCall(Context.current().withValue(NS, ns), call, headers, next);
            }
        };
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(ServerInterceptors.intercept(new Images(), nsInterceptor))
                .addService(ServerInterceptors.intercept(new Contents(), nsInterceptor))
                .addService(ServerInterceptors.intercept(new Events(), nsInterceptor))
                .addService(ServerInterceptors.intercept(new Version(), nsInterceptor))
                .addService(ServerInterceptors.intercept(new Introspection(), nsInterceptor))
                .build()
                .start();
    }

    ContainerdClient client() {
        return new ContainerdClient(
                InProcessChannelBuilder.forName(name).directExecutor().build(), Duration.ofSeconds(5));
    }

    int subscriberCount() {
        subscribers.removeIf(ServerCallStreamObserver::isCancelled);
        return subscribers.size();
    }

    // ---- mutations, each publishing the event containerd would ----

    void putContent(String ns, byte[] bytes) {
        content.computeIfAbsent(ns, k -> new ConcurrentHashMap<>())
                .put(Digest.sha256(bytes).toString(), bytes);
    }

    void putImage(String ns, String name, dev.speglar.oci.Descriptor target) {
        images.computeIfAbsent(ns, k -> new ConcurrentHashMap<>())
                .put(
                        name,
                        Image.newBuilder()
                                .setName(name)
                                .setTarget(Descriptor.newBuilder()
                                        .setDigest(target.digest().toString())
                                        .setMediaType(target.mediaType())
                                        .setSize(target.size()))
                                .build());
        publish(ns, "/images/create", "containerd.services.images.v1.ImageCreate", name);
    }

    void removeImage(String ns, String name) {
        images.getOrDefault(ns, Map.of()).remove(name);
        publish(ns, "/images/delete", "containerd.services.images.v1.ImageDelete", name);
    }

    void removeContent(String ns, Digest d) {
        content.getOrDefault(ns, Map.of()).remove(d.toString());
        publish(ns, "/content/delete", "containerd.events.ContentDelete", d.toString());
    }

    /** Ends every event stream with UNAVAILABLE, as a containerd restart does. */
    void breakStreams() {
        for (var s : subscribers) {
            s.onError(Status.UNAVAILABLE.withDescription("transport closing").asRuntimeException());
        }
        subscribers.clear();
    }

    private void publish(String ns, String topic, String type, String subject) {
        Envelope e = Envelope.newBuilder()
                .setNamespace(ns)
                .setTopic(topic)
                .setEvent(Any.newBuilder()
                        .setTypeUrl(type)
                        .setValue(EventSubject.newBuilder()
                                .setNameOrDigest(subject)
                                .build()
                                .toByteString()))
                .build();
        for (var s : subscribers) {
            synchronized (s) {
                if (!s.isCancelled()) {
                    s.onNext(e);
                }
            }
        }
    }

    private Map<String, byte[]> contentOf() {
        return content.getOrDefault(NS.get(), Map.of());
    }

    private Info info(String digest, byte[] b) {
        return Info.newBuilder().setDigest(digest).setSize(b.length).build();
    }

    private final class Images extends ImagesGrpc.ImagesImplBase {
        @Override
        public void list(ListImagesRequest req, StreamObserver<ListImagesResponse> out) {
            boolean slashOnly = req.getFiltersList().contains(ImageRecords.NAME_FILTER);
            var b = ListImagesResponse.newBuilder();
            images.getOrDefault(NS.get(), Map.of()).values().stream()
                    .filter(i -> !slashOnly || i.getName().contains("/"))
                    .forEach(b::addImages);
            out.onNext(b.build());
            out.onCompleted();
        }

        @Override
        public void get(GetImageRequest req, StreamObserver<GetImageResponse> out) {
            Image i = images.getOrDefault(NS.get(), Map.of()).get(req.getName());
            if (i == null) {
                out.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            out.onNext(GetImageResponse.newBuilder().setImage(i).build());
            out.onCompleted();
        }
    }

    private final class Contents extends ContentGrpc.ContentImplBase {
        @Override
        public void info(InfoRequest req, StreamObserver<InfoResponse> out) {
            byte[] b = contentOf().get(req.getDigest());
            if (b == null) {
                out.onError(Status.NOT_FOUND
                        .withDescription("content " + req.getDigest())
                        .asRuntimeException());
                return;
            }
            out.onNext(InfoResponse.newBuilder()
                    .setInfo(FakeContainerd.this.info(req.getDigest(), b))
                    .build());
            out.onCompleted();
        }

        @Override
        public void list(ListContentRequest req, StreamObserver<ListContentResponse> out) {
            if (failingLists.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                out.onError(Status.INTERNAL.withDescription("flaky").asRuntimeException());
                return;
            }
            var b = ListContentResponse.newBuilder();
            contentOf().forEach((d, bytes) -> b.addInfo(FakeContainerd.this.info(d, bytes)));
            out.onNext(b.build());
            out.onCompleted();
        }

        @Override
        public void read(ReadContentRequest req, StreamObserver<ReadContentResponse> out) {
            byte[] b = contentOf().get(req.getDigest());
            if (b == null || req.getOffset() >= b.length) {
                out.onError((b == null ? Status.NOT_FOUND : Status.OUT_OF_RANGE).asRuntimeException());
                return;
            }
            // Chunks like containerd's (1 MiB there; small here to exercise reassembly).
            for (int off = (int) req.getOffset(); off < b.length; off += 65_536) {
                int n = Math.min(65_536, b.length - off);
                out.onNext(ReadContentResponse.newBuilder()
                        .setOffset(off)
                        .setData(ByteString.copyFrom(b, off, n))
                        .build());
            }
            out.onCompleted();
        }
    }

    private final class Events extends EventsGrpc.EventsImplBase {
        @Override
        public void subscribe(SubscribeRequest req, StreamObserver<Envelope> out) {
            subscribers.add((ServerCallStreamObserver<Envelope>) out);
        }
    }

    private static final class Version extends VersionGrpc.VersionImplBase {
        @Override
        public void version(Empty req, StreamObserver<VersionResponse> out) {
            out.onNext(VersionResponse.newBuilder().setVersion("fake-1.0").build());
            out.onCompleted();
        }
    }

    private final class Introspection extends IntrospectionGrpc.IntrospectionImplBase {
        @Override
        public void plugins(PluginsRequest req, StreamObserver<PluginsResponse> out) {
            var p = Plugin.newBuilder().setType("io.containerd.content.v1").setId("content");
            if (contentRoot != null) {
                p.putExports("root", contentRoot);
            }
            out.onNext(PluginsResponse.newBuilder().addPlugins(p).build());
            out.onCompleted();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}

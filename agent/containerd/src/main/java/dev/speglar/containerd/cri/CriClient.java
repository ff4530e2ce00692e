package dev.speglar.containerd.cri;

import dev.speglar.containerd.ContainerdException;
import dev.speglar.containerd.cri.api.Image;
import dev.speglar.containerd.cri.api.ImageServiceGrpc;
import dev.speglar.containerd.cri.api.ImageSpec;
import dev.speglar.containerd.cri.api.ImageStatusRequest;
import dev.speglar.containerd.cri.api.ListImagesRequest;
import dev.speglar.containerd.cri.api.PullImageRequest;
import dev.speglar.containerd.cri.api.RemoveImageRequest;
import dev.speglar.containerd.cri.api.RuntimeServiceGrpc;
import dev.speglar.containerd.cri.api.StatusRequest;
import dev.speglar.containerd.cri.api.StatusResponse;
import dev.speglar.containerd.cri.api.VersionRequest;
import dev.speglar.containerd.cri.api.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's view of containerd: CRI v1 runtime status and image service over the same socket. Pulls go through
 * containerd's CRI plugin, so they use its registry config ({@code config_path}, i.e. the mirrors), as kubelet's do.
 */
public final class CriClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final Duration callTimeout;

    public static CriClient connect(Path socket, Duration callTimeout) {
        return new CriClient(
                dev.speglar.containerd.UnixSocketChannels.builder(socket).build(), callTimeout);
    }

    /** Uses an existing channel, which the client then owns. */
    public CriClient(ManagedChannel channel, Duration callTimeout) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
    }

    public VersionResponse version() throws ContainerdException {
        return call(
                "CRI version",
                () -> runtime()
                        .version(VersionRequest.newBuilder().setVersion("v1").build()));
    }

    /** Runtime status; with {@code verbose}, containerd adds its CRI config as JSON under {@code info["config"]}. */
    public StatusResponse status(boolean verbose) throws ContainerdException {
        return call(
                "CRI status",
                () -> runtime()
                        .status(StatusRequest.newBuilder().setVerbose(verbose).build()));
    }

    /** Pulls {@code ref} and returns the image id containerd reports; waits up to {@code timeout}. */
    public String pullImage(String ref, Duration timeout) throws ContainerdException {
        return call(
                "CRI pull " + ref,
                () -> ImageServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .pullImage(PullImageRequest.newBuilder()
                                .setImage(spec(ref))
                                .build())
                        .getImageRef());
    }

    /** Removes every name of the image {@code ref} refers to (as {@code crictl rmi} does). */
    public void removeImage(String ref) throws ContainerdException {
        call(
                "CRI remove " + ref,
                () -> images().removeImage(RemoveImageRequest.newBuilder()
                        .setImage(spec(ref))
                        .build()));
    }

    public List<Image> listImages() throws ContainerdException {
        return call(
                "CRI list images",
                () -> images().listImages(ListImagesRequest.getDefaultInstance())
                        .getImagesList());
    }

    /** The image {@code ref} refers to, or empty if containerd does not have it. */
    public Optional<Image> imageStatus(String ref) throws ContainerdException {
        return call("CRI image status " + ref, () -> {
            var r = images().imageStatus(
                            ImageStatusRequest.newBuilder().setImage(spec(ref)).build());
            return r.hasImage() ? Optional.of(r.getImage()) : Optional.empty();
        });
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ImageSpec spec(String ref) {
        return ImageSpec.newBuilder().setImage(ref).build();
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

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

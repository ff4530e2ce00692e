package dev.speglar.containerd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach containerd and what to index.
 *
 * @param socket containerd's gRPC socket, e.g. {@code /run/containerd/containerd.sock}
 * @param namespaces containerd namespaces to index, in priority order (a tag present in several resolves in the
 *     first), e.g. {@code k8s.io} and Docker's {@code moby}
 * @param contentAccess where blobs are read from
 * @param contentPath containerd's content root ({@code .../io.containerd.content.v1.content}) for {@link
 *     ContentAccess#PATH}, else null
 * @param callTimeout deadline of each unary or listing call
 * @param resyncInterval full re-list period, for changes that emit no event
 * @param maxBackoff cap of the reconnect backoff (starts at 100 ms, doubles)
 */
public record ContainerdStoreConfig(
        Path socket,
        List<String> namespaces,
        ContentAccess contentAccess,
        Path contentPath,
        Duration callTimeout,
        Duration resyncInterval,
        Duration maxBackoff) {

    /** Where blobs are read from. */
    public enum ContentAccess {
        /** Files under {@code contentPath}, falling back to the API for a missing file. */
        PATH,
        /** Ask containerd (introspection) for its content root; API reads if it is not on this filesystem. */
        DISCOVER,
        /** Only the content API. */
        API
    }

    public ContainerdStoreConfig {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(contentAccess, "contentAccess");
        namespaces = List.copyOf(namespaces);
        if (namespaces.isEmpty() || namespaces.stream().anyMatch(n -> !n.matches("[A-Za-z0-9][A-Za-z0-9._-]*"))) {
            throw new IllegalArgumentException(
                    "namespaces must be non-empty containerd namespace names: " + namespaces);
        }
        if ((contentAccess == ContentAccess.PATH) != (contentPath != null)) {
            throw new IllegalArgumentException("a content path is given exactly when contentAccess is PATH");
        }
        positive(callTimeout, "callTimeout");
        positive(resyncInterval, "resyncInterval");
        positive(maxBackoff, "maxBackoff");
    }

    /** Defaults: discovered content path, 10 s calls, 30 s resync, 5 s max backoff. */
    public static ContainerdStoreConfig of(Path socket, List<String> namespaces) {
        return new ContainerdStoreConfig(
                socket,
                namespaces,
                ContentAccess.DISCOVER,
                null,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5));
    }

    public ContainerdStoreConfig withContentPath(Path path) {
        return new ContainerdStoreConfig(
                socket,
                namespaces,
                ContentAccess.PATH,
                Objects.requireNonNull(path),
                callTimeout,
                resyncInterval,
                maxBackoff);
    }

    public ContainerdStoreConfig withApiReadsOnly() {
        return new ContainerdStoreConfig(
                socket, namespaces, ContentAccess.API, null, callTimeout, resyncInterval, maxBackoff);
    }

    public ContainerdStoreConfig withResyncInterval(Duration d) {
        return new ContainerdStoreConfig(socket, namespaces, contentAccess, contentPath, callTimeout, d, maxBackoff);
    }

    public ContainerdStoreConfig withMaxBackoff(Duration d) {
        return new ContainerdStoreConfig(
                socket, namespaces, contentAccess, contentPath, callTimeout, resyncInterval, d);
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}

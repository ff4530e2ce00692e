package dev.speglar.store;

import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import java.util.Objects;

/**
 * An image record of a store: its name (tagged {@code registry/repo:tag} or digest-only {@code registry/repo@sha256:..})
 * and the digest of its root manifest or index. {@code namespace} is the store namespace holding it (containerd
 * namespace such as {@code k8s.io}, or the layout directory name).
 */
public record Image(String namespace, ImageName name, Digest target) {
    public Image {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
    }
}

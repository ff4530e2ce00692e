package dev.speglar.store.layout;

import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import dev.speglar.oci.InvalidReferenceException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI image layout directory and, optionally, the repository ({@code registry/repo}) its images belong to.
 *
 * <p>Written {@code path} or {@code registry/repo=path}, e.g. {@code docker.io/library/busybox=/var/lib/seed/busybox}.
 * How {@code index.json} entries become image names (first rule that applies):
 * <ol>
 *   <li>annotation {@code io.containerd.image.name} (what {@code ctr image export} writes): a full reference, used
 *       as-is, with Docker-style defaults ({@code busybox:1} → {@code docker.io/library/busybox:1});
 *   <li>annotation {@code org.opencontainers.image.ref.name} holding a full reference with a registry
 *       ({@code registry.example/app:1.0}): used as-is;
 *   <li>that annotation holding a bare tag ({@code 1.0}, what umoci and skopeo write): {@code <repository>:<tag>},
 *       if this source has a repository;
 *   <li>no name: {@code <repository>@<digest>}, if this source has a repository.
 * </ol>
 * Entries matching no rule give no image record; their content is still served by digest.
 *
 * @param repository {@code registry/repo}, or null
 */
public record LayoutSource(Path dir, String repository) {
    public LayoutSource {
        Objects.requireNonNull(dir, "dir");
        if (repository != null) {
            // Validates registry and repository together; the tag is a placeholder.
            ImageName.parse(repository + ":x");
        }
    }

    /** Parses {@code path} or {@code registry/repo=path}. Throws {@link InvalidReferenceException} on a bad repo. */
    public static LayoutSource parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int eq = spec.indexOf('=');
        if (eq < 0) {
            return new LayoutSource(Path.of(spec), null);
        }
        if (eq == 0 || eq == spec.length() - 1) {
            throw new InvalidReferenceException("layout spec must be registry/repo=path: " + spec);
        }
        return new LayoutSource(Path.of(spec.substring(eq + 1)), spec.substring(0, eq));
    }

    /** {@code <repository>:<tag>} if this source has a repository and {@code tag} is valid. */
    public Optional<ImageName> tagged(String tag) {
        if (repository == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ImageName.parse(repository + ":" + tag));
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }

    /** {@code <repository>@<digest>} if this source has a repository. */
    public Optional<ImageName> digestOnly(Digest digest) {
        return repository == null ? Optional.empty() : Optional.of(ImageName.parse(repository + "@" + digest));
    }

    /** The image namespace reported for this layout: the directory name. */
    public String namespace() {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? "/" : name.toString();
    }

    @Override
    public String toString() {
        return repository == null ? dir.toString() : repository + "=" + dir;
    }
}

package dev.speglar.installer.detect;

import dev.speglar.installer.containerd.ContainerdVersion;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the installer learned about the node's containerd, as the effective values after imports are merged the way
 * the detected containerd version merges them.
 *
 * @param present whether any containerd (socket, config or binary) was found
 * @param version the release, when a source for it was found
 * @param versionSource where the version came from ({@code /etc/eks/containerd-version.txt}, dpkg status, ...)
 * @param socket the containerd socket path found, if any
 * @param configFiles host paths of the main config followed by every imported file that exists, in merge order
 * @param imports the {@code imports} patterns as written, in order of appearance
 * @param schemaVersion the main file's {@code version} header (1 when absent, as containerd treats it)
 * @param configPaths every {@code config_path} value written in any config file, in merge order
 * @param effectiveConfigPath the value containerd will use, after merging (empty when unset)
 * @param discardUnpackedLayers the effective setting, empty when no file sets it
 * @param useLocalImagePull the effective setting, empty when no file sets it
 * @param inlineMirrors registry hosts with deprecated inline {@code registry.mirrors} entries
 * @param criDisabled whether {@code disabled_plugins} turns off the CRI plugin
 * @param problems parse errors and unreadable files, each as "path: message"
 */
public record ContainerdFacts(
        boolean present,
        Optional<ContainerdVersion> version,
        String versionSource,
        Optional<String> socket,
        List<String> configFiles,
        List<String> imports,
        int schemaVersion,
        List<String> configPaths,
        Optional<String> effectiveConfigPath,
        Optional<Boolean> discardUnpackedLayers,
        Optional<Boolean> useLocalImagePull,
        List<String> inlineMirrors,
        boolean criDisabled,
        List<String> problems) {

    public ContainerdFacts {
        Objects.requireNonNull(version, "version");
        versionSource = versionSource == null ? "" : versionSource;
        Objects.requireNonNull(socket, "socket");
        configFiles = List.copyOf(configFiles);
        imports = List.copyOf(imports);
        configPaths = List.copyOf(configPaths);
        Objects.requireNonNull(effectiveConfigPath, "effectiveConfigPath");
        Objects.requireNonNull(discardUnpackedLayers, "discardUnpackedLayers");
        Objects.requireNonNull(useLocalImagePull, "useLocalImagePull");
        inlineMirrors = List.copyOf(inlineMirrors);
        problems = List.copyOf(problems);
        if (schemaVersion < 0) {
            throw new IllegalArgumentException("schema version must be >= 0");
        }
    }

    public static ContainerdFacts absent() {
        return new ContainerdFacts(
                false,
                Optional.empty(),
                "",
                Optional.empty(),
                List.of(),
                List.of(),
                0,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                false,
                List.of());
    }

    /** True when the effective {@code config_path} holds more than one directory (colon-separated). */
    public boolean configPathIsList() {
        return effectiveConfigPath.map(p -> p.contains(":")).orElse(false);
    }

    /** Discard is false unless a file sets it: containerd's default. */
    public boolean discardsLayers() {
        return discardUnpackedLayers.orElse(false);
    }
}

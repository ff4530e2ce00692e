package dev.speglar.installer.detect;

import dev.speglar.installer.containerd.ContainerdVersion;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a containerd main config and its imports under a {@link HostRoot} and merges the mirror-relevant settings the
 * way the running containerd would: 1.x replaces a plugin table wholesale when an import defines it, 2.x deep-merges.
 */
final class ContainerdConfigReader {
    /** What containerd 2.2+ uses for an unset config_path (when no inline mirrors exist). */
    static final String DEFAULT_LIST_2_2 = "/etc/containerd/certs.d:/etc/docker/certs.d";
    /** The built-in default config of 2.2+ imports this when no config file exists. */
    static final String DEFAULT_INCLUDE_2_2 = "/etc/containerd/conf.d/*.toml";
    /** Problem text marking a containerd 1.x import that wipes earlier CRI settings. */
    static final String REPLACES_CRI = "containerd 1.x replaces the whole CRI plugin table with this file's";

    private static final int MAX_IMPORT_DEPTH = 4;
    private static final int MAX_FILES = 64;

    private final HostRoot host;

    ContainerdConfigReader(HostRoot host) {
        this.host = host;
    }

    /** Merged view of {@code mainConfig} and its imports. */
    Merged read(String mainConfig, Optional<ContainerdVersion> version) {
        List<CriSettings> files = new ArrayList<>();
        List<String> imports = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (host.isRegularFile(mainConfig)) {
            load(mainConfig, files, imports, problems, 0);
        } else if (version.map(v -> v.atLeast(2, 2)).orElse(false)) {
            imports.add(DEFAULT_INCLUDE_2_2);
            for (String f : glob(DEFAULT_INCLUDE_2_2)) {
                load(f, files, imports, problems, 1);
            }
        }
        boolean deepMerge = version.map(v -> v.major() >= 2)
                .orElse(!files.isEmpty() && files.getFirst().schema() >= 3);
        return merge(files, imports, problems, deepMerge, version);
    }

    private void load(String path, List<CriSettings> files, List<String> imports, List<String> problems, int depth) {
        if (files.size() >= MAX_FILES || files.stream().anyMatch(f -> f.path().equals(path))) {
            return;
        }
        CriSettings settings;
        try {
            settings = CriSettings.parse(path, host.read(path).orElse(""));
        } catch (IOException e) {
            String hint = e instanceof java.nio.file.AccessDeniedException ? " (run as root)" : "";
            problems.add(path + ": unreadable: " + e.getMessage() + hint);
            return;
        }
        files.add(settings);
        problems.addAll(settings.problems());
        if (depth >= MAX_IMPORT_DEPTH) {
            return;
        }
        String parentDir = parentOf(path);
        for (String pattern : settings.imports()) {
            imports.add(pattern);
            String absolute = pattern.startsWith("/") ? pattern : parentDir + "/" + pattern;
            for (String f : glob(absolute)) {
                load(f, files, imports, problems, depth + 1);
            }
        }
    }

    private static Merged merge(
            List<CriSettings> files,
            List<String> imports,
            List<String> problems,
            boolean deepMerge,
            Optional<ContainerdVersion> version) {
        Optional<String> configPath = Optional.empty();
        Optional<Boolean> discard = Optional.empty();
        Optional<Boolean> localPull = Optional.empty();
        List<String> mirrors = new ArrayList<>();
        Set<String> allConfigPaths = new LinkedHashSet<>();
        boolean criDisabled = false;
        final Set<String> criKeys = new java.util.TreeSet<>();
        for (int i = 0; i < files.size(); i++) {
            CriSettings f = files.get(i);
            f.configPath().ifPresent(allConfigPaths::add);
            criDisabled |= f.disablesCri();
            if (!deepMerge && i > 0 && f.definesCriTable()) {
                // containerd 1.x: the import's CRI table replaces the earlier CRI table wholesale.
                List<String> lost =
                        criKeys.stream().filter(k -> !f.criKeys().contains(k)).toList();
                if (!lost.isEmpty()) {
                    problems.add(f.path() + ": " + REPLACES_CRI + " (" + lost.size() + " settings revert to"
                            + " defaults: " + String.join(", ", lost.subList(0, Math.min(5, lost.size())))
                            + (lost.size() > 5 ? ", ..." : "") + "); carry the full CRI table in the drop-in");
                }
                criKeys.clear();
                criKeys.addAll(f.criKeys());
                configPath = f.configPath();
                discard = f.discard();
                localPull = f.localPull();
                mirrors = new ArrayList<>(f.mirrors());
                continue;
            }
            criKeys.addAll(f.criKeys());
            Optional<String> previous = configPath;
            configPath = f.configPath().or(() -> previous);
            discard = f.discard().isPresent() ? f.discard() : discard;
            localPull = f.localPull().isPresent() ? f.localPull() : localPull;
            for (String m : f.mirrors()) {
                if (!mirrors.contains(m)) {
                    mirrors.add(m);
                }
            }
        }
        Optional<String> effective = configPath;
        boolean defaulted = false;
        if (effective.isEmpty()
                && mirrors.isEmpty()
                && version.map(v -> v.atLeast(2, 2)).orElse(false)) {
            effective = Optional.of(DEFAULT_LIST_2_2);
            defaulted = true;
        }
        int schema = files.isEmpty() ? 0 : files.getFirst().schema();
        return new Merged(
                files.stream().map(CriSettings::path).toList(),
                List.copyOf(imports),
                schema,
                List.copyOf(allConfigPaths),
                effective,
                defaulted,
                discard,
                localPull,
                List.copyOf(mirrors),
                criDisabled,
                List.copyOf(problems));
    }

    /** Expands a glob in the last path component (the only form containerd configs use in practice). */
    List<String> glob(String absolutePattern) {
        String dir = parentOf(absolutePattern);
        String name = absolutePattern.substring(dir.length() + 1);
        if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
            return host.isRegularFile(absolutePattern) ? List.of(absolutePattern) : List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        return host.list(dir).stream()
                .filter(p -> matcher.matches(Path.of(p.substring(p.lastIndexOf('/') + 1))))
                .filter(host::isRegularFile)
                .toList();
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }

    /** The merged settings plus provenance. {@code configPathDefaulted} marks the 2.2+ implicit list. */
    record Merged(
            List<String> files,
            List<String> imports,
            int schema,
            List<String> configPaths,
            Optional<String> effectiveConfigPath,
            boolean configPathDefaulted,
            Optional<Boolean> discard,
            Optional<Boolean> localPull,
            List<String> mirrors,
            boolean criDisabled,
            List<String> problems) {}
}

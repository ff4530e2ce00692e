package dev.speglar.installer.install;

import dev.speglar.installer.containerd.ConfigValidationException;
import dev.speglar.installer.containerd.ContainerdBinary;
import dev.speglar.installer.containerd.ContainerdVersion;
import dev.speglar.installer.containerd.EffectiveConfig;
import dev.speglar.installer.containerd.TomlKeys;
import dev.speglar.installer.containerd.TomlTextEditor;
import dev.speglar.installer.detect.HostRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;

/**
 * Runs the real {@code containerd config dump} over a candidate set of config files without touching the node:
 * the main file and every override are copied into a private staging directory, and the main file's
 * {@code imports} globs are expanded (against the host root) into an explicit list that points at the staged
 * overrides and the untouched real drop-ins, in the order containerd would load them.
 */
public final class CandidateDump {

    private final HostRoot root;
    private final ContainerdBinary binary;
    private final ContainerdVersion version;

    public CandidateDump(HostRoot root, ContainerdBinary binary, ContainerdVersion version) {
        this.root = root;
        this.binary = binary;
        this.version = version;
    }

    /** Dumps the config {@code mainNodePath} would produce if {@code overrides} (node path → bytes) were written. */
    public EffectiveConfig dump(String mainNodePath, Map<String, byte[]> overrides)
            throws ConfigValidationException, IOException {
        Path stage = Files.createTempDirectory("speglar-validate");
        try {
            byte[] main = overrides.get(mainNodePath);
            Path realMain = root.resolve(mainNodePath);
            if (main == null && Files.isRegularFile(realMain)) main = Files.readAllBytes(realMain);
            if (main == null) {
                // No config file: containerd runs on its defaults, which is what an empty file yields too.
                Path empty = Files.writeString(stage.resolve("absent.toml"), "");
                return binary.dump(empty);
            }
            String text = new String(main, StandardCharsets.UTF_8);
            TomlParseResult parsed = Toml.parse(text);
            if (parsed.hasErrors()) {
                throw new ConfigValidationException("candidate " + mainNodePath + " is not valid TOML: "
                        + parsed.errors().getFirst());
            }
            TomlArray imports = parsed.getArray("imports");
            if (imports != null) {
                List<String> expanded = new ArrayList<>();
                int n = 0;
                for (String nodeFile : expand(mainNodePath, imports, overrides)) {
                    byte[] override = overrides.get(nodeFile);
                    if (override != null) {
                        Path staged = stage.resolve(
                                String.format("%03d-", n++) + Path.of(nodeFile).getFileName());
                        Files.write(staged, override);
                        expanded.add(staged.toString());
                    } else {
                        expanded.add(root.resolve(nodeFile).toString());
                    }
                }
                TomlTextEditor editor = TomlTextEditor.of(text);
                editor.set(
                        List.of(),
                        "imports",
                        expanded.stream().map(TomlKeys::string).collect(Collectors.joining(", ", "[", "]")));
                text = editor.text();
            }
            Path stagedMain = stage.resolve("config.toml");
            Files.writeString(stagedMain, text);
            return binary.dump(stagedMain);
        } finally {
            try (var walk = Files.walk(stage)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** Node paths of the files an {@code imports} list loads, in load order. */
    public List<String> expand(String mainNodePath, TomlArray imports, Map<String, byte[]> overrides)
            throws ConfigValidationException, IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < imports.size(); i++) {
            String pattern = absolute(mainNodePath, imports.get(i).toString());
            Path p = Path.of(pattern);
            String dir = p.getParent().toString();
            String name = p.getFileName().toString();
            if (hasGlob(dir))
                throw new ConfigValidationException(
                        "imports pattern with a wildcard directory is not supported: " + pattern);
            if (!hasGlob(name)) {
                out.add(pattern);
                continue;
            }
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name);
            TreeSet<String> names = new TreeSet<>();
            Path realDir = root.resolve(dir);
            if (Files.isDirectory(realDir)) {
                try (var s = Files.list(realDir)) {
                    s.map(Path::getFileName).filter(m::matches).forEach(f -> names.add(f.toString()));
                }
            }
            for (String o : overrides.keySet()) {
                Path op = Path.of(o);
                if (op.getParent().toString().equals(dir) && m.matches(op.getFileName()))
                    names.add(op.getFileName().toString());
            }
            for (String f : names) out.add(dir + "/" + f);
        }
        return out;
    }

    /** containerd 1.x resolves relative imports against its working directory (/ under systemd); 2.x against the file. */
    public String absolute(String mainNodePath, String pattern) {
        if (pattern.startsWith("/")) return root.nodePath(root.resolve(pattern));
        Path base = version.importsReplacePluginTables()
                ? Path.of("/")
                : Path.of(mainNodePath).getParent();
        return base.resolve(pattern).normalize().toString();
    }

    private static boolean hasGlob(String s) {
        return s.contains("*") || s.contains("?") || s.contains("[");
    }
}

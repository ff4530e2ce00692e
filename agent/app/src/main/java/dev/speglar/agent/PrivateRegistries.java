package dev.speglar.agent;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Registries this node holds credentials for, read from containerd's {@code config_path}: a
 * {@code <registry>/hosts.toml} with an {@code Authorization} header, at the top level or for a host that is not this
 * agent (the mirror entries the {@code configuration} command writes carry the agent's own basic auth). The same
 * header is what fresh-tag lookups send to the registry.
 */
final class PrivateRegistries {
    private static final Pattern SECTION = Pattern.compile("^\\s*\\[(.*)]\\s*$");
    private static final Pattern HOST = Pattern.compile("host\\.[\"']([^\"']+)[\"']");
    private static final Pattern AUTH =
            Pattern.compile("(?i)^\\s*[\"']?authorization[\"']?\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')?");

    private PrivateRegistries() {}

    static Set<String> scan(Path configPath, int ownRegistryPort) {
        Set<String> out = new HashSet<>();
        if (configPath == null || !Files.isDirectory(configPath)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(configPath)) {
            for (Path dir : dirs.toList()) {
                Path hosts = dir.resolve("hosts.toml");
                if (Files.isRegularFile(hosts) && hasCredentials(Files.readAllLines(hosts), ownRegistryPort)) {
                    out.add(dir.getFileName().toString());
                }
            }
        } catch (IOException e) {
            // unreadable config: nothing known to be private
        }
        return out;
    }

    static boolean hasCredentials(java.util.List<String> lines, int ownRegistryPort) {
        return authorization(lines, ownRegistryPort).isPresent();
    }

    /**
     * The node's {@code Authorization} header value for {@code registry} (top-level {@code [header]} or a host that is
     * not this agent), as containerd sends it; used to ask the registry about fresh tags.
     */
    static Optional<String> authorization(Path configPath, String registry, int ownRegistryPort) {
        if (configPath == null) {
            return Optional.empty();
        }
        Path hosts = configPath.resolve(registry).resolve("hosts.toml");
        try {
            return Files.isRegularFile(hosts)
                    ? authorization(Files.readAllLines(hosts), ownRegistryPort).filter(v -> !v.isEmpty())
                    : Optional.empty();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The first credentials line's value ("" when it has some other form: still credentials, but not usable). */
    static Optional<String> authorization(java.util.List<String> lines, int ownRegistryPort) {
        String section = "";
        for (String line : lines) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1);
                continue;
            }
            Matcher a = AUTH.matcher(line);
            if (a.find() && !isOwnMirror(section, ownRegistryPort)) {
                String v = a.group(1) != null ? a.group(1) : a.group(2);
                return Optional.of(v == null ? "" : v);
            }
        }
        return Optional.empty();
    }

    private static boolean isOwnMirror(String section, int ownRegistryPort) {
        Matcher h = HOST.matcher(section);
        if (!h.find()) {
            return false;
        }
        try {
            return URI.create(h.group(1)).getPort() == ownRegistryPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

package dev.speglar.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the real binaries the fixtures drive. A missing one is a loud failure that names the install script:
 *  tests must never skip silently because a tool is absent. */
public final class Tools {
    private static final Map<String, Path> FOUND = new ConcurrentHashMap<>();
    private static final String[] EXTRA_DIRS = {
        "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"
    };

    private Tools() {}

    /** Absolute path of {@code name}, searched on PATH and the usual system directories. */
    public static Path require(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            if (!Files.isExecutable(p)) {
                throw new MissingToolException(name);
            }
            return p;
        }
        return FOUND.computeIfAbsent(name, Tools::search);
    }

    private static Path search(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":" + String.join(":", EXTRA_DIRS)).split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        throw new MissingToolException(name);
    }

    /** A binary the tests need is not installed. */
    public static final class MissingToolException extends IllegalStateException {
        MissingToolException(String name) {
            super("required tool '" + name + "' not found; run scripts/install-test-deps.sh (as root) first");
        }
    }
}

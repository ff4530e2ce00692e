package dev.speglar.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Basic-auth credentials from {@code <dir>/username} and {@code <dir>/password} (a mounted Kubernetes secret), used
 * verbatim like upstream. Neither file, or both empty → no auth.
 */
public record BasicAuthFiles(String username, String password) {
    public static final Path DEFAULT_DIR = Path.of("/etc/secrets/basic-auth");

    public static Optional<BasicAuthFiles> load(Path dir) throws IOException {
        String user = read(dir.resolve("username"));
        String pass = read(dir.resolve("password"));
        // Upstream enables auth only for a non-empty username or password: empty files (an empty secret) mean none.
        if ((user == null || user.isEmpty()) && (pass == null || pass.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new BasicAuthFiles(user == null ? "" : user, pass == null ? "" : pass));
    }

    private static String read(Path p) throws IOException {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** {@code user:password}, the form sent in the Authorization header. */
    public String userInfo() {
        return username + ":" + password;
    }

    @Override
    public String toString() {
        return "BasicAuthFiles[username=" + username + ", password=<redacted>]";
    }
}

package dev.speglar.agent;

import dev.speglar.common.hosts.RegistryUrl;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a registry host really is, for asking it about tags: the {@code server} of containerd's
 * {@code <config_path>/<host>/hosts.toml} when there is one (an on-premises registry may be plain HTTP), else HTTPS at
 * the host itself (docker.io: registry-1.docker.io), as containerd would.
 */
final class UpstreamUrls implements Function<String, URI> {
    private static final Pattern SERVER = Pattern.compile("(?m)^\\s*server\\s*=\\s*[\"']([^\"']+)[\"']");
    private final Path configPath;

    /** @param configPath containerd's registry {@code config_path}, or null */
    UpstreamUrls(Path configPath) {
        this.configPath = configPath;
    }

    @Override
    public URI apply(String registry) {
        if (configPath != null) {
            Path hosts = configPath.resolve(registry).resolve("hosts.toml");
            try {
                if (Files.isRegularFile(hosts)) {
                    Matcher m = SERVER.matcher(Files.readString(hosts));
                    if (m.find()) {
                        return URI.create(m.group(1));
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                // unreadable or odd: fall back to containerd's default
            }
        }
        return URI.create(new RegistryUrl("https", registry).serverUrl());
    }
}

package dev.speglar.agent.hosts;

import dev.speglar.common.files.AtomicFiles;
import dev.speglar.common.hosts.HostsToml;
import dev.speglar.common.hosts.RegistryUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes containerd's per-registry mirror configuration ({@code <configPath>/<registry>/hosts.toml}) and restores
 * the node's original configuration on cleanup. The original is moved to {@code _backup} once, on the first run, so
 * restarts and upgrades never lose it.
 */
public final class MirrorConfiguration {
    static final String BACKUP = "_backup";
    private static final Logger log = LoggerFactory.getLogger(MirrorConfiguration.class);

    private final Path configPath;

    public MirrorConfiguration(Path configPath) {
        this.configPath = configPath;
    }

    /** Validates everything first so bad input changes nothing on disk. */
    public void write(
            List<String> mirroredRegistries,
            List<String> mirrorTargets,
            boolean resolveTags,
            boolean prependExisting,
            String basicAuth)
            throws IOException {
        List<RegistryUrl> registries = HostsToml.parseRegistries(mirroredRegistries);
        List<RegistryUrl> targets = HostsToml.parseTargets(mirrorTargets);
        for (RegistryUrl t : targets) {
            if (t.host().startsWith("[")) {
                // Observed with containerd 1.6.20: its TOML parser rejects a ']' in a table key and skips the file.
                log.warn(
                        "mirror target {} is an IPv6 literal: containerd 1.6 cannot read such a hosts.toml and its pulls fail; "
                                + "name the target by a DNS name there",
                        t);
            }
        }
        Files.createDirectories(configPath);
        backup();
        clear();
        for (RegistryUrl r : registries) {
            String content = HostsToml.render(r, targets, resolveTags, basicAuth);
            Path dir = configPath.resolve(r.directoryName());
            if (prependExisting) {
                content = prepend(r, dir, content);
            }
            AtomicFiles.write(dir.resolve("hosts.toml"), content);
            log.info("wrote mirror configuration for {} at {}", r, dir.resolve("hosts.toml"));
        }
    }

    private void backup() throws IOException {
        Path backup = configPath.resolve(BACKUP);
        if (Files.exists(backup)) {
            return;
        }
        // the backup dir is created last-to-first so an interrupted run leaves entries in one of the two places
        Path staging = configPath.resolve(".backup-staging");
        AtomicFiles.deleteTree(staging);
        Files.createDirectories(staging);
        try (var s = Files.list(configPath)) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals(".backup-staging")) {
                    log.info("backing up {}", p);
                    Files.move(p, staging.resolve(p.getFileName()));
                }
            }
        }
        Files.move(staging, backup);
    }

    private void clear() throws IOException {
        try (var s = Files.list(configPath)) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals(BACKUP)) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
    }

    private String prepend(RegistryUrl r, Path dir, String content) throws IOException {
        Path old = configPath.resolve(BACKUP).resolve(r.directoryName());
        Path oldToml = old.resolve("hosts.toml");
        if (Files.isRegularFile(oldToml)) {
            String existing = HostTables.reserialize(Files.readString(oldToml), oldToml.toString());
            if (!existing.isEmpty()) {
                log.info("prepending mirror configuration to existing hosts of {}", r);
                content = content + "\n\n" + existing;
            }
        }
        if (Files.isDirectory(old)) {
            try (var walk = Files.walk(old)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    Path rel = old.relativize(p);
                    if (rel.toString().equals("hosts.toml")) {
                        continue;
                    }
                    Path dest = dir.resolve(rel);
                    Files.createDirectories(dest.getParent());
                    Files.write(dest, Files.readAllBytes(p), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
        }
        return content;
    }

    /** Restores the original configuration; a no-op when there is no backup (so it can run twice). */
    public void cleanup() throws IOException {
        Path backup = configPath.resolve(BACKUP);
        if (!Files.isDirectory(backup)) {
            log.info("skipping cleanup: no backup in {}", configPath);
            return;
        }
        clear();
        try (var s = Files.list(backup)) {
            for (Path p : s.toList()) {
                Files.move(p, configPath.resolve(p.getFileName()));
            }
        }
        Files.delete(backup);
        log.info("restored mirror configuration in {}", configPath);
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}

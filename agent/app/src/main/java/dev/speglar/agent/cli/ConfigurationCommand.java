package dev.speglar.agent.cli;

import dev.speglar.agent.hosts.MirrorConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes containerd's hosts.toml mirror configuration (the init-container step), like upstream's command. */
@Command(
        name = "configuration",
        mixinStandardHelpOptions = true,
        description = "Write containerd hosts.toml files that point containerd at the mirror targets.")
public final class ConfigurationCommand implements Callable<Integer> {

    @Option(
            names = "--containerd-registry-config-path",
            defaultValue = "${env:CONTAINERD_REGISTRY_CONFIG_PATH:-/etc/containerd/certs.d}",
            description = "Directory of per-registry hosts.toml files (default: ${DEFAULT-VALUE}).")
    Path configPath;

    @Option(
            names = "--mirrored-registries",
            arity = "0..*",
            split = ",",
            defaultValue = "${env:MIRRORED_REGISTRIES}",
            description = "Registry URLs to mirror; empty means every registry (_default).")
    List<String> mirroredRegistries = new ArrayList<>();

    @Option(
            names = "--mirror-targets",
            arity = "1..*",
            split = ",",
            defaultValue = "${env:MIRROR_TARGETS}",
            description = "Mirror endpoints, tried in order (e.g. http://$NODE_IP:30020).")
    List<String> mirrorTargets = new ArrayList<>();

    @Option(
            names = "--resolve-tags",
            arity = "0..1",
            defaultValue = "${env:RESOLVE_TAGS:-true}",
            fallbackValue = "true",
            description = "Let mirrors resolve tags (default: ${DEFAULT-VALUE}).")
    boolean resolveTags;

    @Option(
            names = "--prepend-existing",
            arity = "0..1",
            defaultValue = "${env:PREPEND_EXISTING:-false}",
            fallbackValue = "true",
            description = "Keep existing host entries after the mirror's (default: ${DEFAULT-VALUE}).")
    boolean prependExisting;

    @Option(names = "--basic-auth-dir", hidden = true, defaultValue = "/etc/secrets/basic-auth")
    Path basicAuthDir;

    @Override
    public Integer call() throws Exception {
        String auth =
                BasicAuthFiles.load(basicAuthDir).map(BasicAuthFiles::userInfo).orElse(null);
        new MirrorConfiguration(configPath)
                .write(nonBlank(mirroredRegistries), nonBlank(mirrorTargets), resolveTags, prependExisting, auth);
        return 0;
    }

    static List<String> nonBlank(List<String> in) {
        return in == null
                ? List.of()
                : in.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}

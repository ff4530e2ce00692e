package dev.speglar.installer.install;

import dev.speglar.installer.containerd.ContainerdVersion;
import java.util.Objects;

/**
 * The containerd facts the install engine needs. Detection fills it on a real node; tests build it directly.
 *
 * @param configFile node path of the main config file
 * @param configRegenerated the platform rewrites the main file (AL2023 nodeadm, K3s), so it must not be edited
 * @param hostsDir hosts directory to use, or null to keep the current one (first entry of a list)
 */
public record ContainerdTarget(
        ContainerdVersion version,
        String configFile,
        boolean configRegenerated,
        ConfigStrategy strategy,
        String hostsDir) {
    public ContainerdTarget {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(configFile, "configFile");
        strategy = strategy == null ? ConfigStrategy.AUTO : strategy;
        if (!configFile.startsWith("/"))
            throw new IllegalArgumentException("config file must be an absolute node path");
        if (hostsDir != null && (!hostsDir.startsWith("/") || hostsDir.contains(":"))) {
            throw new IllegalArgumentException("hosts dir must be one absolute directory: " + hostsDir);
        }
    }
}

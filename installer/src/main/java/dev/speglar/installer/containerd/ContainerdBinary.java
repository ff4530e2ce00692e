package dev.speglar.installer.containerd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The real {@code containerd} binary, used as the config parser and validator of record. */
public record ContainerdBinary(String executable) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public ContainerdBinary {
        if (executable == null || executable.isBlank())
            throw new IllegalArgumentException("containerd executable is empty");
    }

    public static ContainerdBinary onPath() {
        return new ContainerdBinary("containerd");
    }

    public ContainerdVersion version() throws ConfigValidationException {
        Exec.Result r = Exec.run(List.of(executable, "--version"), TIMEOUT);
        if (!r.ok()) throw new ConfigValidationException("containerd --version failed: " + r.describe());
        return ContainerdVersion.parse(r.stdout());
    }

    /**
     * Dumps the merged config that {@code configFile} produces. A missing file makes containerd print its
     * defaults silently, which is what a node without a config file runs with; callers decide whether that is fine.
     */
    public EffectiveConfig dump(Path configFile) throws ConfigValidationException {
        Exec.Result r = Exec.run(List.of(executable, "--config", configFile.toString(), "config", "dump"), TIMEOUT);
        if (!r.ok()) {
            throw new ConfigValidationException("containerd config dump rejected " + configFile + ": " + r.describe());
        }
        try {
            return EffectiveConfig.parse(r.stdout());
        } catch (IllegalArgumentException e) {
            throw new ConfigValidationException(e.getMessage());
        }
    }
}

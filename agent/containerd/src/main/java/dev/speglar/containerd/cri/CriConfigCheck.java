package dev.speglar.containerd.cri;

import dev.speglar.common.json.InvalidJsonException;
import dev.speglar.common.json.Json;
import dev.speglar.containerd.ContainerdException;
import io.grpc.Status;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies, through CRI {@code Status(verbose)}, that containerd's CRI plugin is configured so a mirror works: a
 * registry {@code config_path} (containing the directory the agent writes hosts.toml files to, if given) and
 * {@code discard_unpacked_layers = false} (else layers vanish after unpacking and peers get 404s). Upstream Spegel
 * ran the same check before containerd 2.0; containerd 2.x no longer reports the registry config here, which is
 * reported as {@link Result.Unverifiable} rather than as an error.
 */
public final class CriConfigCheck {
    static final String CRI = "plugins.\"io.containerd.grpc.v1.cri\"";
    public static final String CONFIG_PATH_SETTING = CRI + ".registry.config_path";
    public static final String DISCARD_SETTING = CRI + ".containerd.discard_unpacked_layers";

    /** The outcome; {@link #message()} is fit for a log line or an exit message. */
    public sealed interface Result {
        String message();

        /** Everything the mirror needs is set. */
        record Ok(String configPath) implements Result {
            @Override
            public String message() {
                return "containerd CRI config ok: registry config_path " + configPath
                        + ", discard_unpacked_layers false";
            }
        }

        /** A setting is wrong: the mirror would not work. The agent should exit with {@link #message()}. */
        record Misconfigured(String setting, String problem, String fix) implements Result {
            public Misconfigured {
                Objects.requireNonNull(setting);
                Objects.requireNonNull(problem);
                Objects.requireNonNull(fix);
            }

            @Override
            public String message() {
                return "containerd is misconfigured: " + setting + " " + problem + ". Fix: " + fix
                        + ", then restart containerd.";
            }
        }

        /** containerd answers but does not expose its CRI config (containerd 2.x): proceed with a warning. */
        record Unverifiable(String reason) implements Result {
            @Override
            public String message() {
                return "cannot verify containerd's CRI config: " + reason;
            }
        }

        /** containerd's CRI API cannot be reached. */
        record Unreachable(String reason) implements Result {
            @Override
            public String message() {
                return "could not reach containerd's CRI service: " + reason;
            }
        }
    }

    /**
     * Runs the check. {@code mirrorConfigDir} is where the agent writes hosts.toml directories (e.g.
     * {@code /etc/containerd/certs.d}); null skips that part.
     */
    public static Result check(CriClient cri, Path mirrorConfigDir) {
        return checkAll(cri, mirrorConfigDir).getFirst();
    }

    /** Every finding, not only the first: one {@link Result.Ok}, or the problems (each setting once). */
    public static List<Result> checkAll(CriClient cri, Path mirrorConfigDir) {
        Map<String, String> info;
        try {
            info = cri.status(true).getInfoMap();
        } catch (ContainerdException e) {
            if (e.code() == Status.Code.UNIMPLEMENTED) {
                return List.of(new Result.Misconfigured(
                        CRI,
                        "is not serving the CRI v1 API",
                        "remove \"io.containerd.grpc.v1.cri\" from disabled_plugins in containerd's config.toml"));
            }
            return List.of(new Result.Unreachable(e.getMessage()));
        }
        return evaluateAll(info, mirrorConfigDir);
    }

    /** The check on a Status(verbose) info map: the first problem, or Ok. */
    public static Result evaluate(Map<String, String> info, Path mirrorConfigDir) {
        return evaluateAll(info, mirrorConfigDir).getFirst();
    }

    /** All problems in a Status(verbose) info map, or a single Ok or Unverifiable. */
    public static List<Result> evaluateAll(Map<String, String> info, Path mirrorConfigDir) {
        String json = info.get("config");
        if (json == null) {
            return List.of(
                    new Result.Unverifiable("CRI status has no \"config\" entry (containerd 2.x does not report it)"));
        }
        Map<String, Object> config;
        try {
            config = Json.parseObject(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (InvalidJsonException e) {
            return List.of(new Result.Unverifiable("CRI status config is not JSON: " + e.getMessage()));
        }
        List<Result> problems = new ArrayList<>();
        Object discard = field(config, "containerd", "discardUnpackedLayers");
        if (discard == null) {
            return List.of(new Result.Unverifiable("CRI config has no containerd.discardUnpackedLayers field"));
        }
        if (Boolean.TRUE.equals(discard)) {
            problems.add(new Result.Misconfigured(
                    DISCARD_SETTING,
                    "is true: layers are deleted after unpacking, so this " + "node cannot serve them to peers",
                    "set " + DISCARD_SETTING + " = false"));
        }
        Object configPath = field(config, "registry", "configPath");
        if (configPath == null) {
            return problems.isEmpty()
                    ? List.of(new Result.Unverifiable("CRI config has no registry.configPath field"))
                    : problems;
        }
        if (!(configPath instanceof String path) || path.isEmpty()) {
            problems.add(new Result.Misconfigured(
                    CONFIG_PATH_SETTING,
                    "is not set, so containerd ignores hosts.toml mirror " + "files",
                    "set " + CONFIG_PATH_SETTING + " = \""
                            + (mirrorConfigDir == null ? "/etc/containerd/certs.d" : mirrorConfigDir) + "\""));
        } else if (mirrorConfigDir != null
                && Arrays.stream(path.split(File.pathSeparator))
                        .noneMatch(p -> !p.isEmpty() && Path.of(p).normalize().equals(mirrorConfigDir.normalize()))) {
            problems.add(new Result.Misconfigured(
                    CONFIG_PATH_SETTING,
                    "is \"" + path + "\" but must contain " + mirrorConfigDir
                            + " (where the mirror configuration is written)",
                    "set " + CONFIG_PATH_SETTING + " = \"" + mirrorConfigDir
                            + "\", or point the agent's mirror config directory at " + path));
        }
        return problems.isEmpty() ? List.of(new Result.Ok((String) configPath)) : problems;
    }

    private static Object field(Map<String, Object> config, String section, String key) {
        return config.get(section) instanceof Map<?, ?> m ? m.get(key) : null;
    }

    private CriConfigCheck() {}
}

package dev.speglar.installer;

import dev.speglar.installer.detect.Detection;
import dev.speglar.installer.detect.Platform;
import dev.speglar.installer.detect.Verdict;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --allow-unsupported-platform} option as a picocli mixin, and the refusal check every command that acts
 * on a node runs. Without a value the flag allows any refused platform; with one (e.g. {@code gke}) only that one.
 */
public final class PlatformGate {

    @Option(
            names = "--allow-unsupported-platform",
            arity = "0..1",
            fallbackValue = "*",
            paramLabel = "PLATFORM",
            converter = PlatformName.class,
            description = "Proceed on a refused platform (gke, digitalocean, or a Docker-only node). Expert override:"
                    + " read the refusal message first. Without a value: any refused platform.")
    String allowed;

    /** A platform name as detect prints it; anything else is a usage error (exit 2), not a silent no-op. */
    static final class PlatformName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.equals("*")) {
                return value;
            }
            try {
                return Platform.fromJsonName(value).jsonName();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public PlatformGate() {}

    public PlatformGate(String allowed) {
        this.allowed = allowed;
    }

    public boolean overrides(Detection d) {
        return allowed != null
                && (allowed.equals("*") || allowed.equals(d.platform().jsonName()));
    }

    /** Throws a {@link UserException} with exit code 3 when the verdict is refused and not overridden. */
    public void check(Detection d) {
        if (d.verdict() == Verdict.REFUSED && !overrides(d)) {
            throw new UserException(String.join(" ", refusalText(d)), ExitCode.REFUSED);
        }
    }

    public static List<String> refusalText(Detection d) {
        return d.reasons();
    }
}

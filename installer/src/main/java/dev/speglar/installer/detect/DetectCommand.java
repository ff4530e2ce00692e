package dev.speglar.installer.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.speglar.installer.ExitCode;
import dev.speglar.installer.PlatformGate;
import dev.speglar.installer.UserException;
import dev.speglar.installer.containerd.ContainerdVersion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code speglar detect}: report platform, evidence, containerd facts and verdict. Reads only. */
@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = {
            "Detect the node's platform and containerd configuration and say what the installer can do.",
            "Verdicts: ready, patch-needed, pre-boot-only, native-mirror, refused. Exits 3 when refused."
        })
public final class DetectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--host-root",
            paramLabel = "DIR",
            defaultValue = "/",
            description =
                    "Read host files under DIR instead of / (e.g. /host in a container). Default: ${DEFAULT-VALUE}")
    Path hostRoot;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}")
    Format output;

    @Option(
            names = "--containerd-version",
            paramLabel = "VERSION",
            description = "Use this containerd version instead of probing (e.g. 2.1.4).")
    String containerdVersion;

    @Mixin
    PlatformGate gate;

    /** Output formats of detect. */
    public enum Format {
        text,
        json
    }

    private static String json(Object report) {
        try {
            return new ObjectMapper()
                            .registerModule(new Jdk8Module())
                            .writerWithDefaultPrettyPrinter()
                            .writeValueAsString(report)
                    + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the detection report as JSON", e);
        }
    }

    @Override
    public Integer call() {
        Detection d = new Detector(openRoot(hostRoot), parseVersion(containerdVersion)).detect();
        PrintWriter out = spec.commandLine().getOut();
        out.print(output == Format.json ? json(DetectionReport.toMap(d)) : DetectionReport.toText(d));
        out.flush();
        if (d.verdict() == Verdict.REFUSED && !gate.overrides(d)) {
            spec.commandLine().getErr().println("speglar: refused: " + String.join(" ", d.reasons()));
            return ExitCode.REFUSED;
        }
        return ExitCode.OK;
    }

    /** Opens a host root, turning a bad path into an actionable error. */
    public static HostRoot openRoot(Path root) {
        try {
            return new HostRoot(root);
        } catch (IllegalArgumentException e) {
            throw new UserException(
                    e.getMessage() + ": pass --host-root pointing at the host's / (mounted" + " read-only is enough)",
                    ExitCode.USAGE);
        }
    }

    static Optional<ContainerdVersion> parseVersion(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Optional.of(ContainerdVersion.find(text)
                .orElseThrow(() -> new UserException(
                        "--containerd-version '" + text + "' is not a version; use a form like 2.1.4",
                        ExitCode.USAGE)));
    }
}

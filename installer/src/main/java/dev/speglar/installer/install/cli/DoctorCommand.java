package dev.speglar.installer.install.cli;

import dev.speglar.installer.ExitCode;
import dev.speglar.installer.detect.Detection;
import dev.speglar.installer.install.CandidateDump;
import dev.speglar.installer.install.ContainerdTarget;
import dev.speglar.installer.install.Doctor;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code speglar doctor}: checks a running node end to end. Exits 1 when any check fails. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the node end to end: effective containerd config (containerd config dump), hosts.toml,"
                + " containerd socket and CRI plugin, agent /readyz, and a manifest HEAD through the agent.")
public final class DoctorCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Option(names = "--check-image", paramLabel = "IMAGE", description = "Image whose manifest to HEAD through the agent, e.g. docker.io/library/nginx:1.27")
    String checkImage;

    @Override
    public Integer call() {
        NodeWiring node = new NodeWiring(options);
        PrintWriter out = spec.commandLine().getOut();
        try {
            Detection d = node.detect();
            ContainerdTarget t = node.target(d);
            Doctor doctor = new Doctor(node.root(), t, new CandidateDump(node.root(), node.binary(), t.version()), node.probe(d),
                    node.mirrorTargets(), checkImage);
            List<Doctor.Check> checks = doctor.run();
            checks.forEach(out::println);
            boolean failed = checks.stream().anyMatch(c -> c.status() == Doctor.Status.FAIL);
            out.println(failed ? "Some checks failed." : "All checks passed.");
            out.flush();
            return failed ? ExitCode.FAILED : ExitCode.OK;
        } finally {
            node.close();
        }
    }
}

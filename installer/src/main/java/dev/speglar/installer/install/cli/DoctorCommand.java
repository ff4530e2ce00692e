package dev.speglar.installer.install.cli;

import dev.speglar.installer.ExitCode;
import dev.speglar.installer.detect.Detection;
import dev.speglar.installer.install.CandidateDump;
import dev.speglar.installer.install.CheckRunner;
import dev.speglar.installer.install.ContainerdProbe;
import dev.speglar.installer.install.ContainerdTarget;
import dev.speglar.installer.install.Doctor;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code speglar doctor}: checks a running node end to end, printing each result as it finishes. Exits 1 when any
 * check fails. Bounded: under 10 s when nothing answers.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = "Check the node end to end: effective containerd config (containerd config dump), hosts.toml,"
                + " containerd socket and CRI plugin, agent /readyz, and a manifest HEAD through the agent.")
public final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions options;

    @Option(
            names = "--check-image",
            paramLabel = "IMAGE",
            description = "Image whose manifest to HEAD through the agent, e.g. docker.io/library/nginx:1.27")
    String checkImage;

    @Override
    public Integer call() {
        NodeWiring node = new NodeWiring(options);
        PrintWriter out = spec.commandLine().getOut();
        try {
            Detection d = node.detect();
            ContainerdTarget t = node.target(d);
            ContainerdProbe probe = new ContainerdProbe(options.ctr, node.socket(d), Doctor.PROBE_TIMEOUT);
            Doctor doctor = new Doctor(
                    node.root(),
                    t,
                    new CandidateDump(node.root(), node.binary(), t.version()),
                    probe,
                    node.mirrorTargets(),
                    checkImage);
            List<Doctor.Check> checks = doctor.run(new CheckRunner.Listener() {
                @Override
                public void finished(Doctor.Check check) {
                    out.println(check);
                    out.flush();
                }

                @Override
                public void waiting(String name, String what, Duration limit) {
                    out.println("...  " + name + ": waiting for " + what + " (up to " + limit.toSeconds() + " s)");
                    out.flush();
                }
            });
            boolean failed = checks.stream().anyMatch(c -> c.status() == Doctor.Status.FAIL);
            out.println(failed ? "Some checks failed." : "All checks passed.");
            out.flush();
            return failed ? ExitCode.FAILED : ExitCode.OK;
        } finally {
            node.close();
        }
    }
}

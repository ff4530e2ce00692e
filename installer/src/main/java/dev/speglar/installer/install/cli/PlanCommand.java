package dev.speglar.installer.install.cli;

import dev.speglar.installer.UserException;
import dev.speglar.installer.detect.Detection;
import dev.speglar.installer.install.InstallException;
import dev.speglar.installer.install.InstallPlan;
import dev.speglar.installer.install.Progress;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code speglar plan}: every change an install would make, validated, without touching the node. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = "Show every change 'speglar install' would make (file diffs, effective containerd values,"
                + " restart, agent), validated with the real 'containerd config dump'. Changes nothing.")
public final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions options;

    @Override
    public Integer call() {
        NodeWiring node = new NodeWiring(options);
        PrintWriter out = spec.commandLine().getOut();
        try {
            Detection d = node.gatedDetection();
            out.println("platform: " + d.platform() + " (" + d.verdict() + ")");
            InstallPlan plan = node.installer(d, Progress.silent()).plan();
            out.print(plan.render());
            out.flush();
            return 0;
        } catch (InstallException e) {
            throw new UserException(e.getMessage(), e);
        } finally {
            node.close();
        }
    }
}

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
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code speglar install}: show the plan, then apply it with backups, validation, verification and rollback. */
@Command(
        name = "install",
        mixinStandardHelpOptions = true,
        description = {
            "Configure containerd for the mirror (hosts.toml, config_path, discard_unpacked_layers,"
                    + " use_local_image_pull on 2.1+), restart and verify it, and install the agent. Any failure rolls"
                    + " everything back. Running it again changes and restarts nothing.",
            "Without --yes only the plan is shown."
        })
public final class InstallCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions options;

    @Option(
            names = {"-y", "--yes"},
            description = "Apply the plan.")
    boolean yes;

    @Override
    public Integer call() {
        NodeWiring node = new NodeWiring(options);
        PrintWriter out = spec.commandLine().getOut();
        try {
            Detection d = node.gatedDetection();
            out.println("platform: " + d.platform() + " (" + d.verdict() + ")");
            if (!yes) {
                InstallPlan plan = node.installer(d, Progress.silent()).plan();
                out.print(plan.render());
                out.println(plan.isNoop() ? "" : "Dry run: re-run with --yes to apply.");
                out.flush();
                return 0;
            }
            node.installer(d, new Progress(out)).install();
            out.println("Installed. Undo with 'speglar uninstall --yes'; check with 'speglar doctor'.");
            out.flush();
            return 0;
        } catch (InstallException e) {
            throw new UserException(e.getMessage(), e);
        } finally {
            node.close();
        }
    }
}

package dev.speglar.installer;

import dev.speglar.installer.detect.DetectCommand;
import dev.speglar.installer.render.RenderCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Top-level {@code speglar} command. Subcommands register here. */
@Command(
        name = "speglar",
        mixinStandardHelpOptions = true,
        versionProvider = SpeglarCommand.Version.class,
        description = "Speglar node installer: detect the node platform and containerd setup, render pre-boot"
                + " presets, and configure containerd for the Speglar P2P mirror.",
        subcommands = {
            DetectCommand.class,
            RenderCommand.class,
            CompletionCommand.class,
            dev.speglar.installer.install.cli.PlanCommand.class,
            dev.speglar.installer.install.cli.InstallCommand.class,
            dev.speglar.installer.install.cli.UninstallCommand.class,
            dev.speglar.installer.install.cli.DoctorCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:operation failed (the message says what to do)",
            "2:invalid command line",
            "3:platform refused (GKE, DigitalOcean, Docker-only); see --allow-unsupported-platform",
        })
public final class SpeglarCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest when packaged; "dev" when run from classes. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SpeglarCommand.class.getPackage().getImplementationVersion();
            return new String[] {"speglar " + (v == null ? "devel" : v)};
        }
    }
}

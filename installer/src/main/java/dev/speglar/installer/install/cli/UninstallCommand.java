package dev.speglar.installer.install.cli;

import dev.speglar.installer.UserException;
import dev.speglar.installer.detect.Detection;
import dev.speglar.installer.install.AgentDeployment;
import dev.speglar.installer.install.InstallException;
import dev.speglar.installer.install.Manifest;
import dev.speglar.installer.install.NodeUninstaller;
import dev.speglar.installer.install.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code speglar uninstall}: restore every file the installs touched, byte for byte. */
@Command(
        name = "uninstall",
        mixinStandardHelpOptions = true,
        description = {
            "Stop the agent and restore every file recorded in the install manifest byte for byte;"
                    + " restart containerd only if its config changes. Without --yes only lists what would be restored."
        })
public final class UninstallCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions options;

    @Option(
            names = {"-y", "--yes"},
            description = "Apply.")
    boolean yes;

    @Override
    public Integer call() {
        NodeWiring node = new NodeWiring(options);
        PrintWriter out = spec.commandLine().getOut();
        try {
            Manifest manifest = Manifest.load(node.root());
            if (!yes) {
                if (!manifest.exists()) out.println("Nothing to uninstall.");
                for (Manifest.Entry e : manifest.entries()) {
                    out.println(e.type() + " " + e.target()
                            + (e.type().equals("dir")
                                    ? " (remove if empty)"
                                    : e.backup() == null ? " (remove)" : " (restore original)"));
                }
                out.println(manifest.exists() ? "Dry run: re-run with --yes to apply." : "");
                out.flush();
                return 0;
            }
            Detection d = node.detect();
            boolean hasK8s = manifest.entries().stream().anyMatch(e -> e.type().equals("k8s"));
            AgentDeployment agent = hasK8s ? node.agentForUninstall(d) : node.systemdForUninstall();
            new NodeUninstaller(node.root(), agent, node.restartHook(), node.probe(d), new Progress(out)).uninstall();
            out.flush();
            return 0;
        } catch (IOException e) {
            throw new UserException("cannot read the install manifest: " + e.getMessage(), e);
        } catch (InstallException e) {
            throw new UserException(e.getMessage(), e);
        } finally {
            node.close();
        }
    }
}

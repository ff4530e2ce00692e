package dev.speglar.installer;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints a bash/zsh completion script for the whole command tree. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = "Print a bash/zsh completion script. Load it with: source <(speglar completion)")
public final class CompletionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        String script = AutoComplete.bash("speglar", spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
    }
}

package dev.speglar.installer;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code speglar} node installer CLI. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (see {@link ExitCode}); never calls exit. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cmd = commandLine();
        cmd.setOut(out);
        cmd.setErr(err);
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured command tree: exit codes and error handling shared by every subcommand. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new SpeglarCommand());
        cmd.setExitCodeExceptionMapper(t -> t instanceof UserException u ? u.exitCode() : ExitCode.FAILED);
        cmd.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof UserException u) {
                line.getErr().println("speglar: " + u.getMessage());
                return u.exitCode();
            }
            line.getErr().println("speglar: internal error: " + ex);
            ex.printStackTrace(line.getErr());
            return ExitCode.FAILED;
        });
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            line.getErr().println("speglar: " + ex.getMessage());
            line.getErr().println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE;
        });
        return cmd;
    }
}

package dev.speglar.installer.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A jpackage launcher's configuration ({@code lib/app/NAME.cfg}) as a Java @argfile for the runtime's own
 * {@code java}: the same class path, JVM options and main class, with {@code $APPDIR} resolved to where the app is
 * installed. Units and the image start the JVM this way because jpackage's Linux launcher queries rpm and dpkg on
 * every start (130-230 ms of CPU) before the JVM starts. packages.sh and bench-packaged.sh run {@link #main}.
 */
public record LauncherArgs(List<String> classPath, String mainClass, List<String> javaOptions) {

    public static final String APPDIR = "$APPDIR";

    public LauncherArgs {
        classPath = List.copyOf(classPath);
        javaOptions = List.copyOf(javaOptions);
        if (classPath.isEmpty() || mainClass == null || mainClass.isBlank()) {
            throw new IllegalArgumentException("launcher configuration without app.classpath or app.mainclass");
        }
    }

    /** Parses the [Application] and [JavaOptions] sections; other keys and sections are the launcher's own. */
    public static LauncherArgs parse(String cfg) {
        List<String> cp = new ArrayList<>();
        List<String> opts = new ArrayList<>();
        String main = null;
        String section = "";
        for (String raw : cfg.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                section = line;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            switch (section + key) {
                case "[Application]app.classpath" -> cp.add(value);
                case "[Application]app.mainclass" -> main = value;
                case "[JavaOptions]java-options" -> opts.add(value);
                default -> {}
            }
        }
        return new LauncherArgs(cp, main, opts);
    }

    /** The @argfile for an app whose {@code lib/app} directory is {@code appDir}: one argument a line. */
    public String argfile(String appDir) {
        if (!appDir.startsWith("/")) throw new IllegalArgumentException("app directory must be absolute: " + appDir);
        List<String> args = new ArrayList<>();
        for (String o : javaOptions) args.add(o.replace(APPDIR, appDir));
        args.add("-cp");
        args.add(String.join(":", classPath).replace(APPDIR, appDir));
        args.add(mainClass);
        StringBuilder out = new StringBuilder();
        for (String a : args) out.append(quote(a)).append('\n');
        return out.toString();
    }

    /** @argfile syntax: whitespace separates, quotes group, '#' starts a comment, '\' escapes inside quotes. */
    static String quote(String arg) {
        if (!arg.isEmpty() && !arg.matches(".*[\\s\"'#\\\\].*")) return arg;
        return '"'
                + arg.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("\n", "\\n")
                        .replace("\t", "\\t")
                + '"';
    }

    /** {@code LauncherArgs CFG APPDIR}: prints the argfile (used by the build scripts). */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LauncherArgs LAUNCHER.cfg INSTALLED_LIB_APP_DIR");
            System.exit(2);
        }
        System.out.print(parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8))
                .argfile(args[1]));
    }
}

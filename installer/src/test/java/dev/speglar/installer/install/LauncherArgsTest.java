package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherArgsTest {

    static final String CFG = """
            [Application]
            app.classpath=$APPDIR/agent/speglar-agent.jar
            app.mainclass=dev.speglar.agent.Main
            app.classpath=$APPDIR/agent/lib/a.jar
            app.classpath=$APPDIR/agent/lib/b.jar

            [JavaOptions]
            java-options=-Djpackage.app-version=0.1.0~SNAPSHOT
            java-options=-Xmx64m
            java-options=-Djava.library.path=$APPDIR/native
            java-options=-XX:AOTCache=$APPDIR/speglar-agent.aot
            """;

    @Test
    void argfileKeepsTheLaunchersClassPathOrderAndOptionsWithAppdirResolved() {
        String args = LauncherArgs.parse(CFG).argfile("/opt/speglar/lib/app");
        assertThat(args).isEqualTo("""
                        -Djpackage.app-version=0.1.0~SNAPSHOT
                        -Xmx64m
                        -Djava.library.path=/opt/speglar/lib/app/native
                        -XX:AOTCache=/opt/speglar/lib/app/speglar-agent.aot
                        -cp
                        /opt/speglar/lib/app/agent/speglar-agent.jar:/opt/speglar/lib/app/agent/lib/a.jar:\
                        /opt/speglar/lib/app/agent/lib/b.jar
                        dev.speglar.agent.Main
                        """);
    }

    @Test
    void argumentsWithArgfileSyntaxAreQuoted() {
        assertThat(LauncherArgs.quote("-Xmx64m")).isEqualTo("-Xmx64m");
        assertThat(LauncherArgs.quote("/a dir/x")).isEqualTo("\"/a dir/x\"");
        assertThat(LauncherArgs.quote("#x")).isEqualTo("\"#x\"");
        assertThat(LauncherArgs.quote("a\\b\"c")).isEqualTo("\"a\\\\b\\\"c\"");
    }

    /** The JDK's own launcher reads the file back into the same arguments (java @argfile, a real JVM). */
    @Test
    void theJavaLauncherReadsTheArgfileBackIntoTheSameArguments(@TempDir Path dir) throws Exception {
        Path src = Files.writeString(
                dir.resolve("PrintArgs.java"),
                "class PrintArgs { public static void main(String[] a) {"
                        + " System.out.print(System.getProperty(\"x.y\") + \"|\" + System.getProperty(\"java.class.path\")); } }");
        String cfg = "[Application]\napp.classpath=$APPDIR/a b.jar\napp.mainclass=PrintArgs\n"
                + "[JavaOptions]\njava-options=-Dx.y=$APPDIR/#1 \"q\\\\\n";
        String appDir = dir.toString();
        // The main class replaced by the source file: java runs it with the argfile's class path and options.
        List<String> lines =
                new ArrayList<>(LauncherArgs.parse(cfg).argfile(appDir).lines().toList());
        lines.set(lines.size() - 1, src.toString());
        Path argfile = Files.write(dir.resolve("x.args"), lines);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "@" + argfile)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo(appDir + "/#1 \"q\\\\|" + appDir + "/a b.jar");
    }

    @Test
    void configurationWithoutMainClassIsRefused() {
        assertThatThrownBy(() -> LauncherArgs.parse("[Application]\napp.classpath=$APPDIR/x.jar\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LauncherArgs.parse(CFG).argfile("opt/speglar/lib/app"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.speglar.installer.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.detect.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged agent's files as a systemd install plans them: the agent's part of the app-image, mtimes kept. */
class SystemdAgentTest {
    private static final FileTime BUILD = FileTime.fromMillis(1_700_000_000_000L);

    @TempDir
    Path app;

    @TempDir
    Path node;

    @Test
    void copiesTheAgentsPartOfTheAppImageKeepingEachFilesMtimeForTheAotCache() throws Exception {
        Path launcher = write("bin/speglar-agent", "launcher");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        write("bin/speglar", "installer launcher");
        write("lib/app/agent/speglar-agent.jar", "PK-agent");
        write("lib/app/agent/lib/netty.jar", "PK-netty");
        write("lib/app/installer/speglar-installer.jar", "PK-installer");
        write("lib/app/speglar-agent.aot", "cache");
        write("lib/runtime/lib/modules", "modules");
        write("lib/app/doc/LICENSE", "Apache License");

        SystemdUnit unit = SystemdUnit.launcher("/opt/speglar/bin/speglar-agent", List.of("--standalone"));
        SystemdAgent agent = new SystemdAgent(
                new HostRoot(node), unit, AgentPayload.appImage(app, "/opt/speglar"), () -> {}, () -> {});
        Map<String, FileChange> files =
                agent.files().stream().collect(Collectors.toMap(FileChange::nodePath, Function.identity()));

        assertThat(files)
                .containsOnlyKeys(
                        SystemdUnit.PATH,
                        "/opt/speglar/bin/speglar-agent",
                        "/opt/speglar/lib/app/agent/speglar-agent.jar",
                        "/opt/speglar/lib/app/agent/lib/netty.jar",
                        "/opt/speglar/lib/app/speglar-agent.aot",
                        "/opt/speglar/lib/runtime/lib/modules",
                        "/opt/speglar/lib/app/doc/LICENSE");
        assertThat(files.get("/opt/speglar/bin/speglar-agent").mode()).isEqualTo("rwxr-xr-x");
        assertThat(files.get("/opt/speglar/lib/app/agent/lib/netty.jar").after())
                .isEqualTo("PK-netty".getBytes());
        // The JVM refuses an AOT cache whose class-path jars have another mtime than at training.
        files.forEach((path, f) -> {
            if (f.kind() == FileChange.Kind.AGENT_RUNTIME)
                assertThat(f.modified()).as(path).isEqualTo(BUILD);
        });
        assertThat(files.get(SystemdUnit.PATH).modified()).isNull();
    }

    private Path write(String relative, String content) throws Exception {
        Path p = app.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, BUILD);
        return p;
    }
}

package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The agent command lines the presets render (DaemonSet containers, systemd ExecStart/ExecStartPre) parse with the
 * real {@code speglar-agent} CLI: every flag exists and every value converts. Parsing only; nothing runs.
 */
class AgentArgsContractTest {

    @Test
    void daemonsetContainerArgsParse() throws Exception {
        DaemonSet ds = StrictManifests.parse(Rendered.render(Preset.DAEMONSET).get("speglar.yaml")).stream()
                .filter(DaemonSet.class::isInstance)
                .map(DaemonSet.class::cast)
                .findFirst()
                .orElseThrow();
        List<Container> containers =
                new ArrayList<>(ds.getSpec().getTemplate().getSpec().getInitContainers());
        containers.addAll(ds.getSpec().getTemplate().getSpec().getContainers());

        assertThat(containers).hasSize(2);
        for (Container c : containers) {
            // The image's entrypoint is the JVM running the agent jar; args are the agent's command line.
            assertThat(c.getCommand()).isNullOrEmpty();
            assertParses(c.getArgs());
        }
    }

    @Test
    void systemdUnitCommandsParseWithTheDefaultEnvironment() throws Exception {
        Map<String, String> files = Rendered.render(Preset.SYSTEMD);
        Map<String, String> env = new java.util.HashMap<>();
        for (String line : files.get("agent.env").split("\n")) {
            if (!line.startsWith("#") && line.contains("=")) {
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        List<String> commands = files.get("speglar-agent.service")
                .lines()
                .filter(l -> l.startsWith("ExecStart=") || l.startsWith("ExecStartPre="))
                .toList();

        assertThat(commands).hasSize(2);
        for (String line : commands) {
            List<String> words = Arrays.asList(
                    systemdExpand(line.substring(line.indexOf('=') + 1), env).split(" +"));
            assertThat(words.getFirst()).isEqualTo("/usr/local/bin/speglar-agent");
            assertParses(words.subList(1, words.size()));
        }
    }

    private static void assertParses(List<String> args) {
        CommandLine cli = dev.speglar.agent.Main.commandLine();
        CommandLine.ParseResult result = cli.parseArgs(args.toArray(String[]::new));
        assertThat(result.subcommand()).as("subcommand of %s", args).isNotNull();
        assertThat(result.subcommand().unmatched()).as("unmatched in %s", args).isEmpty();
    }

    /** systemd's ${VAR} and $VAR expansion (the latter splits into words, which the caller does). */
    private static String systemdExpand(String command, Map<String, String> env) {
        Matcher m = Pattern.compile("\\$\\{?([A-Z_]+)}?").matcher(command);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
        }
        return m.appendTail(sb).toString();
    }
}

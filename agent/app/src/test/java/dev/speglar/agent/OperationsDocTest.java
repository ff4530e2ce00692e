package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** docs/operations.md lists every flag, env var and metric the agent has, and nothing it does not have. */
class OperationsDocTest {
    private static final Path DOC = Path.of("../../docs/operations.md");
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

    @TempDir
    Path dir;

    @Test
    void everyFlagAndEnvVarOfEverySubcommandIsDocumentedAndViceVersa() throws Exception {
        Map<String, Map<String, String>> documented = flagTables(Files.readAllLines(DOC));
        CommandLine cli = Main.commandLine().setInterpolateVariables(false); // read the raw ${env:…} defaults
        Map<String, Map<String, String>> actual = new TreeMap<>();
        actual.put("global", flags(cli.getCommandSpec().options(), false));
        cli.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                actual.put(name, flags(sub.getCommandSpec().options(), true));
            }
        });
        assertThat(new TreeMap<>(documented)).isEqualTo(actual);
    }

    @Test
    void everyMetricTheAgentExportsIsDocumentedAndViceVersa() throws Exception {
        Set<String> documented = metricNames(Files.readAllLines(DOC));
        assertThat(Main.run("demo-image", "--out", dir.resolve("layout").toString(), "--layer-size", "1000"))
                .isZero();
        try (Agent agent = Agent.start(DropInFlagsTest.flags(
                "--store=oci-layout",
                "--oci-layout-dir=" + dir.resolve("layout"),
                "--registry-addr=127.0.0.36:0",
                "--router-addr=127.0.0.36:0",
                "--metrics-addr=127.0.0.36:0",
                "--bootstrap-kind=static",
                "--basic-auth-dir=" + dir.resolve("none")))) {
            // Every registered family, also those without a sample yet (the text format leaves those out).
            Set<String> exported = new TreeSet<>();
            for (MetricSnapshot m : agent.metrics().scrape()) {
                String name = m.getMetadata().getPrometheusName();
                exported.add(
                        m instanceof CounterSnapshot
                                ? name + "_total"
                                : m instanceof InfoSnapshot ? name + "_info" : name);
            }
            // ...and the ones served on /metrics are among them
            HttpClient http = HttpClient.newHttpClient();
            String text = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.36:"
                                            + agent.metricsAddress().getPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(text);
            while (m.find()) {
                boolean counter = m.group(2).equals("counter") && !m.group(1).endsWith("_total");
                boolean info = m.group(2).equals("info") && !m.group(1).endsWith("_info");
                assertThat(exported)
                        .contains(counter ? m.group(1) + "_total" : info ? m.group(1) + "_info" : m.group(1));
            }
            assertThat(documented).isEqualTo(exported);
        }
    }

    /** Per subcommand: flag → env var ("" if none). Inherited options are listed once, under "global". */
    private static Map<String, String> flags(List<OptionSpec> options, boolean skipInherited) {
        Map<String, String> out = new TreeMap<>();
        for (OptionSpec o : options) {
            if (o.hidden() || o.usageHelp() || o.versionHelp() || (skipInherited && o.inherited())) {
                continue;
            }
            Matcher env = ENV.matcher(o.defaultValue() == null ? "" : o.defaultValue());
            out.put(o.longestName(), env.find() ? env.group(1) : "");
        }
        return out;
    }

    /** Tables under "## Global flags" and "## `speglar-agent NAME`": first column flag, second env var or —. */
    private static Map<String, Map<String, String>> flagTables(List<String> lines) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        String section = null;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                Matcher sub = Pattern.compile("^## `speglar-agent ([a-z-]+)`").matcher(line);
                section = line.equals("## Global flags") ? "global" : sub.find() ? sub.group(1) : null;
                continue;
            }
            if (section != null && line.startsWith("| `--")) {
                String[] cells = line.split("\\|");
                Matcher flag = TICKED.matcher(cells[1]);
                Matcher env = TICKED.matcher(cells[2]);
                flag.find();
                out.computeIfAbsent(section, k -> new TreeMap<>()).put(flag.group(1), env.find() ? env.group(1) : "");
            }
        }
        return out;
    }

    /** Every ticked name in the first column of the "## Metrics" table. */
    private static Set<String> metricNames(List<String> lines) {
        Set<String> out = new TreeSet<>();
        boolean in = false;
        List<String> rows = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("## ")) {
                in = line.equals("## Metrics");
            } else if (in && line.startsWith("| `")) {
                rows.add(line.split("\\|")[1]);
            }
        }
        for (String cell : rows) {
            Matcher m = TICKED.matcher(cell);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}

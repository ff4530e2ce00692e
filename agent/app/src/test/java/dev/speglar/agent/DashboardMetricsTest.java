package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.cli.RegistryCommand;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the Grafana dashboard of the DaemonSet preset queries is exported by a running agent, with the labels
 * the queries filter and group by; only the kubelet and cAdvisor panels query other exporters, and exactly those.
 */
class DashboardMetricsTest {
    static final Path DASHBOARD = Path.of("../../presets/daemonset/grafana-dashboard.json");
    /** Series other exporters provide (kubelet, kube-prometheus recording rules), as upstream's dashboard uses them. */
    static final Set<String> EXTERNAL = Set.of(
            "kubelet_runtime_operations_total",
            "kubelet_runtime_operations_errors_total",
            "kubelet_running_pods",
            "kubelet_running_containers",
            "node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate");
    /** Labels Prometheus adds to every scraped series. */
    static final Set<String> TARGET_LABELS =
            Set.of("pod", "instance", "job", "namespace", "container", "service", "endpoint", "node", "metrics_path");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES =
            Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_]+)");
    private static final Set<String> KEYWORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool");

    @TempDir
    Path dir;

    @Test
    void everyQueriedMetricAndLabelExistsInTheAgentRegistry() throws Exception {
        List<String> exprs = new ArrayList<>();
        Map<String, Set<String>> variableLabels = new HashMap<>();
        collect(
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readValue(Files.readAllBytes(DASHBOARD), Object.class),
                exprs,
                variableLabels);
        assertThat(exprs).hasSizeGreaterThan(20);

        Set<String> queried = new TreeSet<>();
        Map<String, Set<String>> labelsUsed = new HashMap<>();
        for (String e : exprs) {
            parse(e, queried, labelsUsed);
        }
        variableLabels.forEach((m, l) -> {
            queried.add(m);
            labelsUsed.computeIfAbsent(m, k -> new HashSet<>()).addAll(l);
        });

        Map<String, Set<String>> exported = exportedByARunningAgent();
        Set<String> external = new TreeSet<>(queried);
        external.removeAll(exported.keySet());
        assertThat(external).as("queried but not exported by the agent").isEqualTo(new TreeSet<>(EXTERNAL));
        for (String metric : queried) {
            if (EXTERNAL.contains(metric)) {
                continue;
            }
            if (exported.get(metric) == null) {
                continue; // registered, no series yet (e.g. no integrity failure happened): its labels are unknown
            }
            Set<String> allowed = new HashSet<>(exported.get(metric));
            allowed.addAll(TARGET_LABELS);
            assertThat(allowed).as("labels of " + metric).containsAll(labelsUsed.getOrDefault(metric, Set.of()));
        }
        assertThat(queried)
                .contains(
                        "spegel_advertised_image_tags",
                        "spegel_advertised_image_digests",
                        "spegel_advertised_content_digests",
                        "spegel_mirror_requests_total",
                        "http_request_duration_seconds_bucket",
                        "spegel_resolve_duration_seconds_bucket",
                        "speglar_dht_routing_table_peers",
                        "process_cpu_seconds_total");
    }

    @Test
    void parserFindsMetricsAndLabelsButNotFunctionsKeywordsOrStrings() {
        Set<String> metrics = new TreeSet<>();
        Map<String, Set<String>> labels = new HashMap<>();
        parse(
                "histogram_quantile(0.99, sum by (le, code) (rate(http_request_duration_seconds_bucket{pod=~\"$pod\", "
                        + "handler=\"/v2/*\"}[$__rate_interval]))) / on (pod) group_left process_resident_memory_bytes or vector(0)",
                metrics,
                labels);
        assertThat(metrics).containsExactly("http_request_duration_seconds_bucket", "process_resident_memory_bytes");
        assertThat(labels.get("http_request_duration_seconds_bucket"))
                .containsExactlyInAnyOrder("pod", "handler", "le", "code");
    }

    /**
     * Series names (as PromQL sees them) of a running agent's registered metrics, each with the label names of its data
     * points (null when it has none yet).
     */
    private Map<String, Set<String>> exportedByARunningAgent() throws Exception {
        assertThat(Main.run("demo-image", "--out", dir.toString(), "--layer-size", "10000"))
                .isZero();
        // A P2P node (a lone first node of a static list), so the DHT metrics are registered too.
        AgentConfig config = RegistryCommand.parse(
                "--registry-addr=127.0.0.47:0",
                "--metrics-addr=127.0.0.47:0",
                "--router-addr=127.0.0.47:0",
                "--store=oci-layout",
                "--oci-layout-dir=" + dir,
                "--bootstrap-kind=static",
                "--static-bootstrap-peers=/ip4/127.0.0.47/tcp/1",
                "--verify-containerd-config=false",
                "--basic-auth-dir=" + dir.resolve("no-auth"));
        try (Agent agent = Agent.start(config)) {
            // Traffic so that every labelled metric has a series: a local serve and a mirror miss.
            String base = "http://127.0.0.47:" + agent.registryAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/v2/library/speglar-demo/manifests/1.0"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/v2/library/x/blobs/sha256:"
                                                    + "0".repeat(64) + "?ns=docker.io"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(404);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> series(agent).containsKey("spegel_advertised_content_digests")
                            && series(agent).containsKey("spegel_mirror_requests_total")
                            && series(agent).containsKey("http_request_duration_seconds_bucket"));
            return series(agent);
        }
    }

    private static Map<String, Set<String>> series(Agent agent) {
        Map<String, Set<String>> out = new HashMap<>();
        for (MetricSnapshot s : agent.metrics().scrape()) {
            String name = s.getMetadata().getPrometheusName();
            Set<String> labels = s.getDataPoints().isEmpty() ? null : new HashSet<>();
            for (DataPointSnapshot p : s.getDataPoints()) {
                p.getLabels().forEach(l -> labels.add(l.getName()));
            }
            List<String> names = switch (s) {
                case CounterSnapshot c -> List.of(name + "_total");
                case HistogramSnapshot h -> List.of(name + "_bucket", name + "_count", name + "_sum");
                case SummarySnapshot su -> List.of(name, name + "_count", name + "_sum");
                case InfoSnapshot i -> List.of(name + "_info");
                default -> List.of(name);
            };
            for (String n : names) {
                Set<String> l = labels == null ? null : new HashSet<>(labels);
                if (l != null && n.endsWith("_bucket")) {
                    l.add("le");
                }
                out.put(n, l);
            }
        }
        return out;
    }

    /** Collects every {@code expr} of every panel target and the metric/label of every label_values() variable. */
    private static void collect(Object node, List<String> exprs, Map<String, Set<String>> variableLabels) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (k.equals("expr") && v instanceof String s) {
                    exprs.add(s);
                } else if (v instanceof String s && s.contains("label_values(")) {
                    Matcher lv = LABEL_VALUES.matcher(s);
                    while (lv.find()) {
                        variableLabels
                                .computeIfAbsent(lv.group(1), x -> new HashSet<>())
                                .add(lv.group(2));
                    }
                } else {
                    collect(v, exprs, variableLabels);
                }
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collect(v, exprs, variableLabels));
        }
    }

    /** Adds the metric names an expression selects, and per metric the labels it matches on or groups by. */
    static void parse(String expr, Set<String> metrics, Map<String, Set<String>> labels) {
        String e = STRING.matcher(expr).replaceAll("\"\"").replaceAll("\\[[^]]*]", "");
        Set<String> inExpr = new HashSet<>();
        Matcher sel = SELECTOR.matcher(e);
        while (sel.find()) {
            inExpr.add(sel.group(1));
            Matcher m = MATCHER.matcher(sel.group(2));
            while (m.find()) {
                labels.computeIfAbsent(sel.group(1), k -> new HashSet<>()).add(m.group(1));
            }
        }
        Set<String> grouped = new HashSet<>();
        Matcher g = GROUPING.matcher(e);
        while (g.find()) {
            for (String l : g.group(1).split(",")) {
                if (!l.isBlank()) {
                    grouped.add(l.strip());
                }
            }
        }
        String bare = GROUPING.matcher(SELECTOR.matcher(e).replaceAll("$1")).replaceAll(" ");
        Matcher id = IDENT.matcher(bare);
        while (id.find()) {
            String t = id.group();
            boolean call = bare.substring(id.end()).stripLeading().startsWith("(");
            boolean number = id.start() > 0 && Character.isDigit(bare.charAt(id.start() - 1));
            if (!call && !number && !KEYWORDS.contains(t)) {
                inExpr.add(t);
            }
        }
        metrics.addAll(inExpr);
        // A grouping label must exist on one of the metrics grouped (checked against each; they share labels here).
        for (String m : inExpr) {
            labels.computeIfAbsent(m, k -> new HashSet<>())
                    .addAll(grouped.stream()
                            .filter(l -> !l.equals("le") || m.endsWith("_bucket"))
                            .toList());
        }
    }
}

package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unreachable CRI API is a finding, not a reason to exit (the check itself never throws). */
class ContainerdConfigFindingsUnitTest {
    @TempDir
    Path dir;

    @Test
    void unreachableCriBecomesAFindingAndAMetric() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        ContainerdConfigFindings findings = new ContainerdConfigFindings(registry);
        assertThat(findings.notes()).isEmpty();
        findings.check(dir.resolve("no-containerd.sock"), null, Duration.ofSeconds(2));
        assertThat(findings.notes()).singleElement().asString().startsWith("cri_unreachable: could not reach");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        assertThat(out.toString())
                .contains(
                        "speglar_containerd_config_problem{problem=\"cri_unreachable\"} 1.0",
                        "speglar_containerd_config_problem{problem=\"config_path\"} 0.0");
    }
}

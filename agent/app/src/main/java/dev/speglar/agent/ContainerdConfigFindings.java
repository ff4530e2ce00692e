package dev.speglar.agent;

import dev.speglar.containerd.cri.CriClient;
import dev.speglar.containerd.cri.CriConfigCheck;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --verify-containerd-config}: what containerd's CRI config means for the mirror, reported without stopping the
 * agent. Each finding leaves the node able to serve what it can (a node whose own pulls bypass the mirror still
 * serves its content to peers; a node that drops layers still serves manifests and configs), so a pod must not
 * crash-loop on it: findings go to the log (WARN), to {@code /readyz?verbose} ({@code [!]} lines), to the gauge
 * {@code speglar_containerd_config_problem{problem}} and, through that endpoint, to {@code speglar doctor}.
 */
final class ContainerdConfigFindings {
    private static final Logger log = LoggerFactory.getLogger(ContainerdConfigFindings.class);
    static final String CRI_DISABLED = "cri_disabled";
    static final String CONFIG_PATH = "config_path";
    static final String DISCARD = "discard_unpacked_layers";
    static final String CRI_UNREACHABLE = "cri_unreachable";
    static final List<String> PROBLEMS = List.of(CRI_DISABLED, CONFIG_PATH, DISCARD, CRI_UNREACHABLE);

    private final Gauge problems;
    private volatile List<String> notes = List.of();

    ContainerdConfigFindings(PrometheusRegistry registry) {
        problems = Gauge.builder()
                .name("speglar_containerd_config_problem")
                .help("1 while containerd's CRI config keeps the mirror from working fully on this node, by problem.")
                .labelNames("problem")
                .register(registry);
        PROBLEMS.forEach(p -> problems.labelValues(p).set(0));
    }

    /** Notes for {@code /readyz?verbose}. */
    List<String> notes() {
        return notes;
    }

    /** Asks containerd's CRI plugin over {@code socket}; {@code hostsDir} (nullable) must be in its config_path. */
    void check(Path socket, Path hostsDir, Duration timeout) {
        List<CriConfigCheck.Result> results;
        try (CriClient cri = CriClient.connect(socket, timeout)) {
            results = CriConfigCheck.checkAll(cri, hostsDir);
        } catch (RuntimeException e) {
            results = List.of(new CriConfigCheck.Result.Unreachable(e.toString()));
        }
        record(results);
    }

    void record(List<CriConfigCheck.Result> results) {
        List<String> out = new ArrayList<>();
        for (CriConfigCheck.Result r : results) {
            switch (r) {
                case CriConfigCheck.Result.Ok ok -> log.info(ok.message());
                case CriConfigCheck.Result.Unverifiable u -> {
                    log.warn(u.message());
                    out.add(u.message());
                }
                case CriConfigCheck.Result.Misconfigured m -> {
                    String problem = m.setting().equals(CriConfigCheck.DISCARD_SETTING)
                            ? DISCARD
                            : m.setting().equals(CriConfigCheck.CONFIG_PATH_SETTING) ? CONFIG_PATH : CRI_DISABLED;
                    problems.labelValues(problem).set(1);
                    log.atWarn().addKeyValue("problem", problem).log(m.message());
                    out.add(problem + ": " + m.message());
                }
                case CriConfigCheck.Result.Unreachable u -> {
                    problems.labelValues(CRI_UNREACHABLE).set(1);
                    log.atWarn().addKeyValue("problem", CRI_UNREACHABLE).log(u.message());
                    out.add(CRI_UNREACHABLE + ": " + u.message());
                }
            }
        }
        notes = List.copyOf(out);
    }
}

package dev.speglar.agent;

import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.Predicate;

/**
 * Process and JVM metrics from the Prometheus Java client's instrumentation, so names and labels are the ones JVM
 * dashboards expect ({@code process_*}, {@code jvm_*}). All are read from MXBeans at scrape time. Left out: native
 * memory (needs NMT, which costs memory) and per-pool allocation counting (a listener on every GC).
 *
 * <p>Set up on the first scrape, not at start: the MXBeans pull in the JMX platform (a few hundred classes, tens of
 * milliseconds of CPU) that readiness does not need. Every value is cumulative or current, so the first scrape shows
 * the same numbers either way.
 */
final class ProcessMetrics implements MultiCollector {
    private volatile PrometheusRegistry jvm;

    private ProcessMetrics() {}

    static void register(PrometheusRegistry registry) {
        registry.register(new ProcessMetrics());
    }

    private PrometheusRegistry jvm() {
        PrometheusRegistry r = jvm;
        if (r == null) {
            synchronized (this) {
                r = jvm;
                if (r == null) {
                    r = new PrometheusRegistry();
                    io.prometheus.metrics.instrumentation.jvm.ProcessMetrics.builder()
                            .register(r);
                    JvmMemoryMetrics.builder().register(r);
                    JvmThreadsMetrics.builder().register(r);
                    JvmBufferPoolMetrics.builder().register(r);
                    JvmClassLoadingMetrics.builder().register(r);
                    JvmCompilationMetrics.builder().register(r);
                    JvmGarbageCollectorMetrics.builder().register(r);
                    JvmRuntimeInfoMetric.builder().register(r);
                    jvm = r;
                }
            }
        }
        return r;
    }

    @Override
    public MetricSnapshots collect() {
        return jvm().scrape();
    }

    @Override
    public MetricSnapshots collect(PrometheusScrapeRequest request) {
        return jvm().scrape(request);
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames) {
        return jvm().scrape(includedNames);
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames, PrometheusScrapeRequest request) {
        return jvm().scrape(includedNames, request);
    }
}

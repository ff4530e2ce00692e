package dev.speglar.agent;

import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Process and JVM metrics from the Prometheus Java client's instrumentation, so names and labels are the ones JVM
 * dashboards expect ({@code process_*}, {@code jvm_*}). All are read from MXBeans at scrape time. Left out: native
 * memory (needs NMT, which costs memory) and per-pool allocation counting (a listener on every GC).
 */
final class ProcessMetrics {
    private ProcessMetrics() {}

    static void register(PrometheusRegistry registry) {
        io.prometheus.metrics.instrumentation.jvm.ProcessMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
    }
}

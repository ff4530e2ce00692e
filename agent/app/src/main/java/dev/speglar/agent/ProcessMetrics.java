package dev.speglar.agent;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process and JVM gauges operators look at first (the JVM instrumentation artifact does not resolve here). */
final class ProcessMetrics {
  private ProcessMetrics() {}

  static void register(PrometheusRegistry registry) {
    GaugeWithCallback.builder().name("process_resident_memory_bytes").help("Resident memory size in bytes.")
        .callback(cb -> cb.call(rssBytes())).register(registry);
    GaugeWithCallback.builder().name("jvm_memory_used_bytes").help("Used bytes of a JVM memory area.")
        .labelNames("area")
        .callback(cb -> {
          var mem = ManagementFactory.getMemoryMXBean();
          cb.call(mem.getHeapMemoryUsage().getUsed(), "heap");
          cb.call(mem.getNonHeapMemoryUsage().getUsed(), "nonheap");
        }).register(registry);
    GaugeWithCallback.builder().name("jvm_threads_current").help("Current thread count.")
        .callback(cb -> cb.call(ManagementFactory.getThreadMXBean().getThreadCount())).register(registry);
  }

  static double rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (Exception ignored) {
      // not Linux: report 0 rather than fail the scrape
    }
    return 0;
  }
}

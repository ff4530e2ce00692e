package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DaemonSet preset's optional ServiceMonitor scrapes the metrics Service that speglar.yaml creates. */
class MonitoringPresetTest {

    @Test
    void serviceMonitorSelectsTheMetricsServiceAndItsPort() throws Exception {
        Map<String, String> defaults = Templates.defaults("daemonset");
        String text = Templates.fill(Templates.load("daemonset", "servicemonitor.yaml"), defaults);
        assertThat(text).doesNotContain("${");
        Map<String, Object> monitor = Rendered.yaml(text);
        assertThat(monitor)
                .containsEntry("apiVersion", "monitoring.coreos.com/v1")
                .containsEntry("kind", "ServiceMonitor");
        assertThat((String) Rendered.at(monitor, "metadata", "namespace")).isEqualTo(defaults.get("SPEGLAR_NAMESPACE"));
        Map<String, String> selector = Rendered.at(monitor, "spec", "selector", "matchLabels");
        List<Map<String, Object>> endpoints = Rendered.at(monitor, "spec", "endpoints");

        List<HasMetadata> objects =
                StrictManifests.parse(Rendered.render(Preset.DAEMONSET).get("speglar.yaml"));
        List<Service> selected = objects.stream()
                .filter(Service.class::isInstance)
                .map(Service.class::cast)
                .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .toList();
        assertThat(selected).extracting(s -> s.getMetadata().getName()).containsExactly("speglar");
        assertThat(selected.getFirst().getMetadata().getNamespace()).isEqualTo(defaults.get("SPEGLAR_NAMESPACE"));
        assertThat(selected.getFirst().getSpec().getPorts())
                .extracting(ServicePort::getName)
                .contains((String) endpoints.getFirst().get("port"));
        assertThat(endpoints.getFirst()).containsEntry("interval", "60s").containsEntry("scrapeTimeout", "30s");
    }
}

package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.speglar.installer.KubernetesVersion;
import dev.speglar.installer.install.k8s.DaemonSetSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest Speglar renders or applies is valid, strictly, against the OpenAPI schema of every supported
 * Kubernetes minor: rendered for that minor, and with no version given (which must work everywhere).
 */
class KubernetesSchemaTest {

    static Stream<Integer> minors() {
        return KubeSchema.MINORS.stream();
    }

    @ParameterizedTest(name = "1.{0}")
    @MethodSource("minors")
    void daemonsetPresetRenderedForEachMinorIsValid(int minor) throws Exception {
        KubeSchema schema = KubeSchema.of(minor);
        RenderOptions o = RenderOptions.defaults().withKubernetesVersion(KubernetesVersion.parse("v1." + minor + ".2"));

        String yaml = Rendered.render(Preset.DAEMONSET, o).get("speglar.yaml");

        assertThat(schema.validateAll(yaml)).as(schema.source()).isEmpty();
        Map<String, Object> spec = registryServiceSpec(yaml);
        if (minor >= 34) {
            assertThat(spec)
                    .containsEntry("trafficDistribution", "PreferSameNode")
                    .doesNotContainKey("internalTrafficPolicy");
        } else {
            assertThat(spec).containsEntry("internalTrafficPolicy", "Local").doesNotContainKey("trafficDistribution");
        }
    }

    @ParameterizedTest(name = "1.{0}")
    @MethodSource("minors")
    void defaultRenderWorksOnEverySupportedMinor(int minor) throws Exception {
        KubeSchema schema = KubeSchema.of(minor);
        Map<String, String> talos = Rendered.render(Preset.TALOS);

        assertThat(schema.validateAll(Rendered.render(Preset.DAEMONSET).get("speglar.yaml")))
                .isEmpty();
        assertThat(schema.validateAll(
                        Rendered.render(Preset.DAEMONSET, noMirrorAdd()).get("speglar.yaml")))
                .isEmpty();
        assertThat(schema.validateAll(talos.get("speglar.yaml"))).isEmpty();
        assertThat(schema.validateAll(talos.get("namespace.yaml"))).isEmpty();
    }

    /** SELinux-enforcing hosts (Bottlerocket: super_t) get a pod-level seLinuxOptions type every minor accepts. */
    @ParameterizedTest(name = "1.{0}")
    @MethodSource("minors")
    @SuppressWarnings("unchecked")
    void selinuxTypeForBottlerocketIsValid(int minor) throws Exception {
        String yaml = Rendered.render(Preset.DAEMONSET, noMirrorAdd().withSelinuxType("super_t"))
                .get("speglar.yaml");

        assertThat(KubeSchema.of(minor).validateAll(yaml)).isEmpty();
        Map<String, Object> ds = Rendered.yamlAll(yaml).stream()
                .map(d -> (Map<String, Object>) d)
                .filter(d -> "DaemonSet".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
        assertThat(Rendered.<Object>at(ds, "spec", "template", "spec", "securityContext", "seLinuxOptions", "type"))
                .isEqualTo("super_t");
        assertThat(Rendered.<Object>at(
                        Rendered.yaml(Rendered.render(Preset.DAEMONSET)
                                .get("speglar.yaml")
                                .split("\n---\n")[2]),
                        "spec",
                        "template",
                        "spec",
                        "securityContext"))
                .isEqualTo(Map.of());
    }

    @Test
    void badSelinuxTypeIsAUsageError() {
        var r = dev.speglar.installer.CliRun.of("render", "daemonset", "--selinux-type", "super_t'; rm");
        assertThat(r.exitCode()).isEqualTo(dev.speglar.installer.ExitCode.USAGE);
        assertThat(r.err()).contains("--selinux-type");
        assertThat(dev.speglar.installer.CliRun.of("render", "k3s", "--selinux-type", "spc_t")
                        .exitCode())
                .isEqualTo(dev.speglar.installer.ExitCode.USAGE);
    }

    @ParameterizedTest(name = "1.{0}")
    @MethodSource("minors")
    void installModeDaemonSetIsValid(int minor) {
        var ds = new DaemonSetSpec(
                        "speglar",
                        "speglar",
                        "ghcr.io/speglar/speglar-agent:0.1.0",
                        30020,
                        "/run/containerd/containerd.sock",
                        "/var/lib/containerd/io.containerd.content.v1.content",
                        List.of("--bootstrap-kind=dns"))
                .build();
        var enforcing = new DaemonSetSpec(
                        "speglar",
                        "speglar",
                        "ghcr.io/speglar/speglar-agent:0.1.0",
                        30020,
                        "/run/containerd/containerd.sock",
                        "/var/lib/containerd/io.containerd.content.v1.content",
                        List.of("--bootstrap-kind=dns"),
                        "spc_t")
                .build();

        var services =
                dev.speglar.installer.install.k8s.AgentServices.build("speglar", KubernetesVersion.parse("1." + minor));
        assertThat(services).hasSize(3);
        for (var svc : services) {
            assertThat(KubeSchema.of(minor).validateAll(Serialization.asYaml(svc)))
                    .as(svc.getMetadata().getName())
                    .isEmpty();
        }
        var registry = services.stream()
                .filter(s -> s.getMetadata().getName().equals("speglar-registry"))
                .findFirst()
                .orElseThrow()
                .getSpec();
        if (minor >= 34) {
            assertThat(registry.getTrafficDistribution()).isEqualTo("PreferSameNode");
            assertThat(registry.getInternalTrafficPolicy()).isNull();
        } else {
            assertThat(registry.getInternalTrafficPolicy()).isEqualTo("Local");
            assertThat(registry.getTrafficDistribution()).isNull();
        }
        assertThat(KubeSchema.of(minor).validateAll(Serialization.asYaml(ds))).isEmpty();
        assertThat(KubeSchema.of(minor).validateAll(Serialization.asYaml(enforcing)))
                .isEmpty();
        assertThat(enforcing
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getSeLinuxOptions()
                        .getType())
                .isEqualTo("spc_t");
    }

    /**
     * The bug this guards against: PreferSameNode is an unknown field on 1.29, gated off on 1.30 and an unsupported
     * value up to 1.33.
     */
    @Test
    void preferSameNodeIsRejectedBefore134() throws Exception {
        String forNew = Rendered.render(
                        Preset.DAEMONSET,
                        RenderOptions.defaults().withKubernetesVersion(KubernetesVersion.parse("1.34")))
                .get("speglar.yaml");

        assertThat(KubeSchema.of(29).validateAll(forNew))
                .singleElement()
                .asString()
                .contains("Service/speglar-registry", "unknown field \"trafficDistribution\"");
        assertThat(KubeSchema.of(30).validateAll(forNew))
                .singleElement()
                .asString()
                .contains("unsupported value \"PreferSameNode\" in Kubernetes 1.30");
        assertThat(KubeSchema.of(33).validateAll(forNew))
                .singleElement()
                .asString()
                .contains("unsupported value \"PreferSameNode\" in Kubernetes 1.33");
        assertThat(KubeSchema.of(34).validateAll(forNew)).isEmpty();
    }

    @Test
    void validatorReportsUnknownFieldsTypesAndRequiredFields() {
        KubeSchema s = KubeSchema.of(35);
        String bad = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    spec:
                      containers:
                      - image: i
                        ports: [{containerPort: "80"}]
                        securityContext: {seLinuxOption: {type: spc_t}}
                """;

        assertThat(s.validateAll(bad))
                .containsExactlyInAnyOrder(
                        "DaemonSet/x.spec.template.spec.containers[0].ports[0].containerPort: expected integer, got \"80\"",
                        "DaemonSet/x.spec.template.spec.containers[0].securityContext.seLinuxOption: unknown field"
                                + " \"seLinuxOption\"",
                        "DaemonSet/x.spec.template.spec.containers[0]: missing required field \"name\"");
        assertThat(s.validateAll("apiVersion: v1\nkind: Pod2\nmetadata: {name: p}\n"))
                .singleElement()
                .asString()
                .contains("not a kind of Kubernetes 1.35");
    }

    @Test
    void everyVendoredSchemaRecordsItsSourceAndTheOldestMatchesTheSupportFloor() {
        assertThat(KubeSchema.MINORS.getFirst()).isEqualTo(KubernetesVersion.OLDEST_SUPPORTED_MINOR);
        for (int minor : KubeSchema.MINORS) {
            assertThat(KubeSchema.of(minor).source())
                    .startsWith("kubernetes/kubernetes ")
                    .contains("1." + minor + " ");
        }
        assertThat(KubeSchema.MINORS.getLast()).isEqualTo(KubernetesVersion.NEWEST_CHECKED_MINOR);
    }

    /** 1.36 came from an OpenAPI v2 copy: its IntOrString and Quantity must still take both forms, as in v3. */
    @Test
    void schemaFromOpenApiV2KeepsIntOrStringAndQuantityForms() {
        String ds = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  updateStrategy: {rollingUpdate: {maxUnavailable: 1, maxSurge: "10%"}}
                  template:
                    spec:
                      containers:
                      - name: c
                        image: i
                        resources: {limits: {memory: 128Mi, cpu: 1}}
                        readinessProbe: {httpGet: {path: /, port: 5000}}
                """;

        assertThat(KubeSchema.of(36).validateAll(ds)).isEmpty();
        assertThat(KubeSchema.of(36).validateAll(ds.replace("port: 5000", "port: [5000]")))
                .singleElement()
                .asString()
                .contains("readinessProbe.httpGet.port", "matches none of");
    }

    /** A version newer than the newest vendored schema renders as for that one, with a warning on stderr. */
    @Test
    void newerKubernetesThanCheckedRendersAsNewestWithAWarning() {
        var newer = dev.speglar.installer.CliRun.of("render", "daemonset", "--kubernetes-version", "v1.37.1");
        var newest = dev.speglar.installer.CliRun.of("render", "daemonset", "--kubernetes-version", "1.36");

        assertThat(newer.exitCode()).isZero();
        assertThat(newer.out()).isEqualTo(newest.out()).contains("trafficDistribution: PreferSameNode");
        assertThat(newer.err())
                .contains("warning: Kubernetes 1.37 is newer than the newest version", "checked against (1.36)");
        assertThat(newest.err()).doesNotContain("warning");
        assertThat(KubernetesVersion.parse("1.36").uncheckedWarning()).isEmpty();
    }

    @Test
    void versionParsingAcceptsServerAndUserForms() {
        assertThat(KubernetesVersion.parse("v1.31.4-eks-1234abc").minor()).isEqualTo(31);
        assertThat(KubernetesVersion.parse("1.34").registryServiceLocality())
                .isEqualTo("trafficDistribution: PreferSameNode");
        assertThat(KubernetesVersion.parse("v1.36.0-rc.1").minor()).isEqualTo(36);
        assertThat(KubernetesVersion.parse("v1.30.2+k3s1").registryServiceLocality())
                .isEqualTo("internalTrafficPolicy: Local");
        assertThatThrownBy(() -> KubernetesVersion.parse("1.28")).hasMessageContaining("older than the oldest");
        assertThatThrownBy(() -> KubernetesVersion.parse("2.0")).hasMessageContaining("not a Kubernetes 1.x version");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> registryServiceSpec(String yaml) {
        return Rendered.yamlAll(yaml).stream()
                .map(d -> (Map<String, Object>) d)
                .filter(d -> "Service".equals(d.get("kind"))
                        && "speglar-registry".equals(((Map<String, Object>) d.get("metadata")).get("name")))
                .map(d -> (Map<String, Object>) d.get("spec"))
                .findFirst()
                .orElseThrow();
    }

    private static RenderOptions noMirrorAdd() {
        return RenderOptions.builder().mirrorAdd(false).build();
    }
}

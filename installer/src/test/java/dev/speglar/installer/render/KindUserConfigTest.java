package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.CliRun;
import dev.speglar.installer.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Users' existing kind configs given to {@code render kind --kind-config}: ones that work are merged, the merged
 * patches applied as kind applies them to its node image's config and judged by a real {@code containerd config
 * dump}; inline registry mirrors/TLS are refused with the hosts.toml files that replace them; fields kind does not
 * know are reported.
 */
@Tag("real")
class KindUserConfigTest {
    static final String HEAD = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n";

    @TempDir
    Path dir;

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(
                        "kind's older local-registry guide (inline mirrors)",
                        HEAD + """
                        containerdConfigPatches:
                        - |-
                          [plugins."io.containerd.grpc.v1.cri".registry.mirrors."localhost:5001"]
                            endpoint = ["http://kind-registry:5000"]
                        """,
                        List.of(
                                "/etc/containerd/certs.d/localhost:5001/hosts.toml:\n"
                                        + "[host.\"http://kind-registry:5000\"]\n  capabilities = [\"pull\", \"resolve\"]",
                                "rejects together with config_path")),
                Arguments.of(
                        "inline TLS for a private registry",
                        HEAD + """
                        containerdConfigPatches:
                        - |-
                          [plugins."io.containerd.grpc.v1.cri".registry.configs."registry.corp:5000".tls]
                            ca_file = "/etc/corp/ca.crt"
                            cert_file = "/etc/corp/client.crt"
                            key_file = "/etc/corp/client.key"
                            insecure_skip_verify = true
                        """,
                        List.of(
                                "/etc/containerd/certs.d/registry.corp:5000/hosts.toml:\n"
                                        + "server = \"https://registry.corp:5000\"\nca = \"/etc/corp/ca.crt\"\n"
                                        + "client = [[\"/etc/corp/client.crt\", \"/etc/corp/client.key\"]]\nskip_verify = true")),
                Arguments.of(
                        "mirror whose endpoint has its own TLS config",
                        HEAD + """
                        containerdConfigPatches:
                        - |-
                          [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
                            endpoint = ["https://mirror.corp"]
                          [plugins."io.containerd.grpc.v1.cri".registry.configs."mirror.corp".tls]
                            ca_file = "/etc/corp/ca.crt"
                        """,
                        List.of("/etc/containerd/certs.d/docker.io/hosts.toml:\n[host.\"https://mirror.corp\"]\n"
                                + "  capabilities = [\"pull\", \"resolve\"]\n  ca = \"/etc/corp/ca.crt\"")),
                Arguments.of(
                        "containerd 2 (v3) inline mirrors, catch-all",
                        HEAD + """
                        containerdConfigPatches:
                        - |-
                          version = 3
                          [plugins."io.containerd.cri.v1.images".registry.mirrors."*"]
                            endpoint = ["http://10.0.0.1:5000"]
                        """,
                        List.of("/etc/containerd/certs.d/_default/hosts.toml:\n[host.\"http://10.0.0.1:5000\"]")),
                Arguments.of(
                        "inline credentials cannot move",
                        HEAD + """
                        containerdConfigPatches:
                        - |-
                          [plugins."io.containerd.grpc.v1.cri".registry.configs."registry.corp".auth]
                            username = "u"
                        """,
                        List.of("# not convertible: registry.configs.\"registry.corp\".auth")),
                Arguments.of(
                        "misspelt top-level field",
                        HEAD + """
                        containerdConfigPatch:
                        - "x"
                        """,
                        List.of("containerdConfigPatch: unknown field in a kind v1alpha4 Cluster")),
                Arguments.of(
                        "unknown node field",
                        HEAD + """
                        nodes:
                        - role: worker
                          extraMount:
                          - {hostPath: /a, containerPath: /a}
                        """,
                        List.of("nodes[0].extraMount: unknown field in a kind v1alpha4 Node")),
                Arguments.of(
                        "mistyped port",
                        HEAD + """
                        nodes:
                        - role: control-plane
                          extraPortMappings:
                          - {containerPort: 80, hostPort: "8080"}
                        networking: {apiServerPort: 6443, dnsSearch: [corp.example], podSubnet: 10.1.0.0/16}
                        """,
                        List.of("nodes[0].extraPortMappings[0].hostPort: expected int, got 8080")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedWithTheFix(String name, String user, List<String> inMessage) throws Exception {
        Path file = Files.writeString(dir.resolve("kind.yaml"), user);

        CliRun r = CliRun.of(
                "render",
                "kind",
                "--kind-config",
                file.toString(),
                "-o",
                dir.resolve("out").toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains(inMessage);
        assertThat(dir.resolve("out")).doesNotExist();
    }

    static Stream<Arguments> merged() {
        return Stream.of(
                Arguments.of(
                        "snapshotter and a kubeadm patch",
                        HEAD + """
                        name: dev
                        featureGates: {InPlacePodVerticalScaling: true}
                        nodes:
                        - role: control-plane
                          kubeadmConfigPatches:
                          - |
                            kind: InitConfiguration
                          extraMounts: [{hostPath: /tmp, containerPath: /data, readOnly: true, propagation: None}]
                        containerdConfigPatches:
                        - |-
                          [plugins."io.containerd.grpc.v1.cri".containerd]
                            snapshotter = "native"
                        """,
                        Map.of("\"plugins\".\"io.containerd.grpc.v1.cri\".\"containerd\".\"snapshotter\"", "native")),
                Arguments.of("user already keeps unpacked layers", HEAD + """
                        containerdConfigPatches:
                        - |-
                          version = 2
                          [plugins."io.containerd.grpc.v1.cri".containerd]
                            discard_unpacked_layers = false
                        """, Map.of()));
    }

    /** kind applies version-2 (and version-less) patches in order onto the node image's version-2 config. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("merged")
    void mergedConfigLoadsWithTheUsersSettingsKept(String name, String user, Map<String, Object> userKeys)
            throws Exception {
        Path file = Files.writeString(dir.resolve("kind.yaml"), user);
        CliRun r = CliRun.of(
                "render",
                "kind",
                "--kind-config",
                file.toString(),
                "-o",
                dir.resolve("out").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Object> doc = Rendered.yaml(Files.readString(dir.resolve("out/cluster.yaml")));
        assertThat(KindClusterFields.problems(doc)).isEmpty();

        String base = Rendered.resource("hosts/kind-on-ec2/etc/containerd/config.toml");
        Map<String, Object> config = TomlMaps.parse(base);
        for (String patch : Rendered.<List<String>>at(doc, "containerdConfigPatches")) {
            Map<String, Object> p = TomlMaps.parse(patch);
            if (p.get("version") == null || Long.valueOf(2).equals(p.get("version"))) {
                config = TomlMaps.mergePatch(config, p);
            }
        }

        Map<String, Object> changes = RealContainerd.changes(dir.resolve("config.toml"), base, TomlMaps.write(config));
        assertThat(changes)
                .containsAllEntriesOf(userKeys)
                .containsEntry(
                        "\"plugins\".\"io.containerd.grpc.v1.cri\".\"registry\".\"config_path\"",
                        "/etc/containerd/certs.d");
        assertThat(RealContainerd.dump(writeConfig(TomlMaps.write(config))))
                .containsEntry(
                        "\"plugins\".\"io.containerd.grpc.v1.cri\".\"containerd\".\"discard_unpacked_layers\"", false);
    }

    @Test
    void convertedHostsTomlParsesAsContainerdHostsConfig() {
        var files = InlineRegistryConfig.convert("""
                [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
                  endpoint = ["https://mirror.corp", "https://registry-1.docker.io"]
                """);

        assertThat(files).singleElement().satisfies(f -> {
            assertThat(f.registry()).isEqualTo("docker.io");
            Map<String, Object> toml = TomlMaps.parse(f.text());
            assertThat(Rendered.<Map<String, Object>>at(toml, "host"))
                    .containsOnlyKeys("https://mirror.corp", "https://registry-1.docker.io");
        });
    }

    private Path writeConfig(String text) throws Exception {
        return Files.writeString(dir.resolve("effective.toml"), text);
    }
}

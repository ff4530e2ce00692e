package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.speglar.installer.CliRun;
import dev.speglar.installer.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Users' existing EKS user data. AL2023: {@code render eks-al2023 --user-data} adds Speglar's NodeConfig in the
 * containerd config version the user's NodeConfig already uses; the result is merged as nodeadm merges it (its
 * version 2 or 3 template, then every NodeConfig's containerd.config in order). Version 2 results are judged by a
 * real {@code containerd config dump}; version 3 ones only against the vendored containerd 2 key definitions,
 * since the containerd here (1.6) cannot load a version 3 file. AL2: several kubelet flags reach bootstrap.sh as one
 * {@code --kubelet-extra-args} value.
 */
@Tag("real")
class EksUserDataTest {
    static final String CONFIG_PATH = "\"plugins\".\"io.containerd.grpc.v1.cri\".\"registry\".\"config_path\"";
    static final String DISCARD =
            "\"plugins\".\"io.containerd.grpc.v1.cri\".\"containerd\".\"discard_unpacked_layers\"";

    @TempDir
    Path dir;

    static String mime(String boundary, String... parts) {
        StringBuilder sb = new StringBuilder(
                "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n");
        for (String p : parts) {
            sb.append("--").append(boundary).append('\n').append(p).append('\n');
        }
        return sb.append("--").append(boundary).append("--\n").toString();
    }

    static final String CLUSTER = """
            ---
            apiVersion: node.eks.aws/v1alpha1
            kind: NodeConfig
            spec:
              cluster:
                name: prod
                apiServerEndpoint: https://example.eks.amazonaws.com
                certificateAuthority: Y2E=
                cidr: 10.100.0.0/16
            """;

    static Stream<Arguments> al2023() {
        return Stream.of(
                Arguments.of(
                        "launch template, v2 keys",
                        mime("//", "Content-Type: application/node.eks.aws\n\n" + CLUSTER + """
                          containerd:
                            config: |
                              [plugins."io.containerd.grpc.v1.cri".containerd]
                              snapshotter = "native"
                        """),
                        2,
                        Map.of("\"plugins\".\"io.containerd.grpc.v1.cri\".\"containerd\".\"snapshotter\"", "native")),
                Arguments.of(
                        "Karpenter EC2NodeClass, containerd 2 keys",
                        mime(
                                "BOUNDARY",
                                "Content-Type: text/x-shellscript; charset=\"us-ascii\"\n\n#!/bin/bash\necho hi\n",
                                "Content-Type: application/node.eks.aws\n\n" + CLUSTER + """
                          containerd:
                            config: |
                              [plugins."io.containerd.cri.v1.images"]
                              max_concurrent_downloads = 8
                        """),
                        3,
                        Map.of("max_concurrent_downloads", 8L)),
                Arguments.of("bare NodeConfig YAML, containerd 2 keys", CLUSTER + """
                          containerd:
                            config: |
                              version = 3
                              [plugins.'io.containerd.cri.v1.images'.registry]
                              config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"
                        """, 3, Map.of()),
                Arguments.of("shell script only", "#!/bin/bash\necho hello\n", 2, Map.of()),
                Arguments.of(
                        "NodeConfig without containerd settings",
                        mime("x", "Content-Type: application/node.eks.aws" + "\n\n" + CLUSTER),
                        2,
                        Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("al2023")
    void al2023UserDataMergedLikeNodeadm(String name, String user, int version, Map<String, Object> userKeys)
            throws Exception {
        Path file = Files.writeString(dir.resolve("user-data"), user);
        CliRun r = CliRun.of("render", "eks-al2023", "--user-data", file.toString(), "--file", "user-data.mime");
        assertThat(r.exitCode()).as(r.err()).isZero();

        Mime out = Mime.parse(r.out());
        List<String> configs = new ArrayList<>();
        for (Mime.Part p : out.parts()) {
            if (p.contentType().equals(Al2023UserData.NODECONFIG_TYPE)) {
                configs.addAll(Al2023UserData.containerdConfigs(p.body()));
            }
        }
        assertThat(out.parts().getLast().body()).contains("Speglar");
        if (user.startsWith("MIME")) { // the user's parts are kept byte for byte, Speglar's is added last
            assertThat(r.out()).startsWith(user.substring(0, user.lastIndexOf("\n--") + 1));
        }

        String base = Rendered.resource("bases/al2023-nodeadm-v" + version + ".toml");
        Map<String, Object> merged = TomlMaps.parse(base);
        for (String c : configs) {
            merged = TomlMaps.mergePatch(merged, TomlMaps.parse(c));
        }
        if (version == 2) {
            Map<String, Object> changes =
                    RealContainerd.changes(dir.resolve("config.toml"), base, TomlMaps.write(merged));
            assertThat(changes)
                    .containsAllEntriesOf(userKeys)
                    .containsEntry(CONFIG_PATH, "/etc/containerd/certs.d")
                    .containsEntry(DISCARD, false);
        } else {
            Map<String, Object> images = Rendered.at(merged, "plugins", "io.containerd.cri.v1.images");
            assertThat(images).containsAllEntriesOf(userKeys).containsEntry("discard_unpacked_layers", false);
            assertThat(Rendered.<Object>at(images, "registry", "config_path")).isEqualTo("/etc/containerd/certs.d");
            assertThat(unknownV3Keys(images)).isEmpty();
            assertThat(Rendered.<Map<String, Object>>at(merged, "plugins"))
                    .doesNotContainKey("io.containerd.grpc.v1.cri");
        }
    }

    @Test
    void al2023UserDataMixingVersionsIsRefusedWithTheFix() throws Exception {
        Path file = Files.writeString(dir.resolve("user-data"), CLUSTER + """
                  containerd:
                    config: |
                      [plugins."io.containerd.cri.v1.images"]
                      max_concurrent_downloads = 8
                      [plugins."io.containerd.grpc.v1.cri".containerd]
                      snapshotter = "overlayfs"
                """);

        CliRun r = CliRun.of("render", "eks-al2023", "--user-data", file.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("mixes containerd config version 2 keys", "io.containerd.cri.v1.images");
    }

    @Test
    void al2KubeletExtraArgsReachBootstrapAsOneArgument() throws Exception {
        Path template = Files.writeString(
                dir.resolve("containerd-config.toml"),
                Rendered.resource("hosts/eks-al2/etc/eks/containerd/containerd-config.toml"));
        Path argv = dir.resolve("argv");
        Path bootstrap = Files.writeString(
                dir.resolve("bootstrap.sh"),
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + argv + "'\n");
        bootstrap.toFile().setExecutable(true);
        CliRun r = CliRun.of(
                "render",
                "eks-al2",
                "--file",
                "user-data.mime",
                "--eks-bootstrap-args",
                "prod --b64-cluster-ca Y2E= --apiserver-endpoint https://x.eks.amazonaws.com",
                "--eks-kubelet-extra-args",
                "--node-labels=team=a,tier=web --max-pods=110");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path script =
                Files.writeString(dir.resolve("user-data.sh"), RenderedConfigsLoadInContainerdTest.shellPart(r.out()));

        ProcessBuilder pb = new ProcessBuilder("bash", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile());
        pb.environment().put("EKS_CONTAINERD_TEMPLATE", template.toString());
        pb.environment().put("EKS_BOOTSTRAP_SCRIPT", bootstrap.toString());
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("log"))).isZero();

        assertThat(Files.readAllLines(argv))
                .containsExactly(
                        "prod",
                        "--b64-cluster-ca",
                        "Y2E=",
                        "--apiserver-endpoint",
                        "https://x.eks.amazonaws.com",
                        "--kubelet-extra-args",
                        "--node-labels=team=a,tier=web --max-pods=110");
    }

    @Test
    void al2KubeletExtraArgsNeedSelfManagedBootstrapAndNoInlineForm() {
        assertThat(CliRun.of("render", "eks-al2", "--eks-kubelet-extra-args", "--max-pods=110")
                        .err())
                .contains("needs --eks-bootstrap-args");
        CliRun inline =
                CliRun.of("render", "eks-al2", "--eks-bootstrap-args", "prod --kubelet-extra-args --max-pods=1");
        assertThat(inline.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(inline.err()).contains("pass them with --eks-kubelet-extra-args");
    }

    @SuppressWarnings("unchecked")
    static List<String> unknownV3Keys(Map<String, Object> images) throws IOException {
        Map<String, Object> defs;
        try (var in = EksUserDataTest.class.getResourceAsStream("/schemas/containerd/cri-v1-images.json")) {
            defs = (Map<String, Object>)
                    new ObjectMapper().readValue(in, Map.class).get("fields");
        }
        List<String> unknown = new ArrayList<>();
        images.forEach((k, v) -> {
            Object def = defs.get(k);
            if (def == null) {
                unknown.add(k);
            } else if (def instanceof Map<?, ?> sub && v instanceof Map<?, ?> m) {
                m.keySet().stream().filter(sk -> !sub.containsKey(sk)).forEach(sk -> unknown.add(k + "." + sk));
            }
        });
        return unknown;
    }
}

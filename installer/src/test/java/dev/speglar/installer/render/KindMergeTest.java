package dev.speglar.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.installer.CliRun;
import dev.speglar.installer.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render kind --kind-config} keeps the user's config and appends the two patches exactly once. */
class KindMergeTest {
    static final String USER = """
            kind: Cluster
            apiVersion: kind.x-k8s.io/v1alpha4
            name: dev
            networking:
              disableDefaultCNI: true
              podSubnet: 10.244.0.0/16
            nodes:
            - role: control-plane
              extraPortMappings:
              - containerPort: 80
                hostPort: 8080
            - role: worker
            containerdConfigPatches:
            - |-
              [plugins."io.containerd.grpc.v1.cri".containerd]
                snapshotter = "native"
            """;

    @TempDir
    Path dir;

    @Test
    void mergesIntoUserConfigIdempotently() throws Exception {
        Path user = dir.resolve("kind.yaml");
        Files.writeString(user, USER);

        CliRun first = CliRun.of(
                "render",
                "kind",
                "--kind-config",
                user.toString(),
                "-o",
                dir.resolve("a").toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        Path merged = dir.resolve("a/cluster.yaml");
        Map<String, Object> doc = Rendered.yaml(Files.readString(merged));

        assertThat(doc).containsEntry("name", "dev").containsEntry("kind", "Cluster");
        assertThat((Map<String, Object>) doc.get("networking"))
                .containsEntry("disableDefaultCNI", true)
                .containsEntry("podSubnet", "10.244.0.0/16");
        assertThat((List<Object>) doc.get("nodes")).hasSize(2);
        List<String> patches = Rendered.at(doc, "containerdConfigPatches");
        assertThat(patches).hasSize(3);
        assertThat(patches.getFirst()).contains("snapshotter = \"native\"");
        assertThat(patches.subList(1, 3))
                .containsExactlyElementsOf(
                        KindConfigMerger.patchesOf(Rendered.render(Preset.KIND).get("cluster.yaml")));

        CliRun second = CliRun.of(
                "render",
                "kind",
                "--kind-config",
                merged.toString(),
                "-o",
                dir.resolve("b").toString());
        assertThat(second.exitCode()).isZero();
        assertThat((List<String>) Rendered.at(
                        Rendered.yaml(Files.readString(dir.resolve("b/cluster.yaml"))), "containerdConfigPatches"))
                .isEqualTo(patches);
    }

    @Test
    void rejectsSomethingThatIsNotAKindCluster() throws Exception {
        Path notKind = dir.resolve("pod.yaml");
        Files.writeString(notKind, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n");

        CliRun run = CliRun.of("render", "kind", "--kind-config", notKind.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("not a kind Cluster config").contains("kind=Pod");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingKindConfigSaysWhichFile() {
        CliRun run = CliRun.of(
                "render", "kind", "--kind-config", dir.resolve("nope.yaml").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("nope.yaml");
    }
}

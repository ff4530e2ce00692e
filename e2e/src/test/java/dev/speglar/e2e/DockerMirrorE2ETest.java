package dev.speglar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.Dockerd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * dockerd with {@code --registry-mirror} pointing at the agent pulls a Docker Hub name. Docker sends no {@code ns}
 * parameter, so the agent maps such requests to {@code --default-registry}; here that is the (stopped) upstream the
 * source node pulled from, and Docker Hub itself is unreachable, so only the agent can serve the pull.
 */
@Tag("real")
class DockerMirrorE2ETest {
    @Test
    void dockerdPullsThroughTheAgentAsRegistryMirror() throws Exception {
        SourceNode source = SourceNode.shared();
        try (InProcessAgent agent = InProcessAgent.start(
                        concat(source.storeFlags(), "--default-registry=" + source.registryHost()));
                Dockerd dockerd = Dockerd.withMirrors(agent.url()).start()) {

            dockerd.docker("pull", "library/test:1.0").check();

            String id = dockerd.docker("image", "inspect", "--format", "{{.Id}}", "test:1.0")
                    .check()
                    .stdout()
                    .strip();
            assertThat(id).isEqualTo(source.images.test().config().digest());
            String digests = dockerd.docker("image", "inspect", "--format", "{{json .RepoDigests}}", "test:1.0")
                    .check()
                    .stdout();
            assertThat(digests).contains(source.images.test().manifest().digest());
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}

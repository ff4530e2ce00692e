package dev.speglar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("real")
class DockerdTest {
    @Test
    void pullsDockerHubNamesThroughTheRegistryMirror() {
        try (DistributionRegistry registry = DistributionRegistry.create().start()) {
            TestImages images = TestImages.shared().pushTo(registry);
            try (Dockerd dockerd = Dockerd.withMirrors(registry.url()).start()) {
                registry.markLog();

                // "library/test:1.0" means docker.io; dockerd asks the mirror first.
                dockerd.docker("pull", "library/test:1.0").check();

                String id = dockerd.docker("image", "inspect", "--format", "{{.Id}}", "test:1.0")
                        .check()
                        .stdout()
                        .strip();
                assertThat(id).isEqualTo(images.test().config().digest());
                assertThat(registry.requestsSinceMark())
                        .anySatisfy(r -> assertThat(r.path()).startsWith("/v2/library/test/manifests/1.0"));
            }
        }
    }
}

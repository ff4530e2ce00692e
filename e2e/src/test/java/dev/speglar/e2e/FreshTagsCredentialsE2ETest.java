package dev.speglar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.speglar.testkit.BigImages;
import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.ImageFixture;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TempDirs;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Fresh tags at a registry that wants credentials (docker-registry with htpasswd auth): the node's {@code Authorization}
 * from containerd's hosts.toml answers the registry's Basic challenge, so a re-pushed tag is fresh; with wrong
 * credentials the node's own answer stands. Neither the password nor the header appears in the agent's log.
 */
@Tag("real")
class FreshTagsCredentialsE2ETest {
    private static final String REPO = "team/private";
    private static final String PASSWORD = "pa55-w0rd-not-for-logs";

    @Test
    void nodeCredentialsFromHostsTomlReachThePrivateRegistry() throws Exception {
        OciLayout layout = OciLayout.init(TempDirs.create("fresh-auth").resolve("layout"));
        ImageFixture v1 = BigImages.generate(layout, REPO, "v1", 1, 16 * 1024, 31);
        ImageFixture v2 = BigImages.generate(layout, REPO, "v2", 1, 16 * 1024, 32);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Level before = root.getLevel();
        try (DistributionRegistry upstream = DistributionRegistry.create().start();
                ContainerdDaemon source = ContainerdDaemon.create().start()) {
            String host = upstream.hostPort();
            // The node pulls latest (v1); then the tag moves upstream.
            MovedTag.pullThenMove(layout, upstream, source, REPO);
            // From now on the registry is private.
            upstream.stop();
            upstream.basicAuth("node", PASSWORD).start();
            upstream.markLog();
            String header = "Basic "
                    + Base64.getEncoder().encodeToString(("node:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            source.writeHostsToml(host, """
                    server = "%s"
                    [host."%s".header]
                      Authorization = "%s"
                    """.formatted(upstream.url(), upstream.url(), header));

            logs.start();
            root.addAppender(logs);
            root.setLevel(Level.DEBUG);
            try (var agent = InProcessAgent.start(
                    "--store=containerd",
                    "--containerd-sock=" + source.socket(),
                    "--containerd-namespace=" + ContainerdDaemon.NAMESPACE,
                    "--containerd-content-path=" + source.contentDir(),
                    "--verify-containerd-config=false",
                    "--containerd-registry-config-path=" + source.certsDir(),
                    "--fresh-tags=latest",
                    "--fresh-tags-timeout=2s")) {
                String latest = agent.url() + "/v2/" + REPO + "/manifests/latest?ns=" + host;
                assertThat(MovedTag.headDigest(latest)).hasValue(v2.manifest().digest());
                assertThat(upstream.requestsSinceMark())
                        .extracting(DistributionRegistry.Request::status)
                        .contains(401, 200);

                // Wrong credentials: the registry refuses, the node's own answer (v1) stands.
                source.writeHostsToml(host, """
                        server = "%s"
                        [header]
                          Authorization = "Basic %s"
                        """.formatted(
                                upstream.url(),
                                Base64.getEncoder().encodeToString("node:wrong".getBytes(StandardCharsets.UTF_8))));
                assertThat(MovedTag.headDigest(latest)).hasValue(v1.manifest().digest());
            }
            String all = String.join(
                    "\n",
                    logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
            assertThat(logs.list).isNotEmpty();
            assertThat(all)
                    .doesNotContain(PASSWORD)
                    .doesNotContain(header.substring(6))
                    .doesNotContain("bm9kZTp3cm9uZw");
        } finally {
            root.detachAppender(logs);
            root.setLevel(before);
        }
    }
}

package dev.speglar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.testkit.ContainerdDaemon;
import dev.speglar.testkit.DistributionRegistry;
import dev.speglar.testkit.OciLayout;
import dev.speglar.testkit.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * The fresh-tags scene the upstream-first tests share: a node pulled {@code v1} as {@code latest} (and {@code v2} under
 * its own tag), then {@code latest} moved to {@code v2} upstream.
 */
public final class MovedTag {
    private MovedTag() {}

    /** Pushes {@code layout}'s v1/v2 to {@code upstream}, has {@code node} pull both, then moves {@code latest}. */
    public static void pullThenMove(OciLayout layout, DistributionRegistry upstream, ContainerdDaemon node, String repo)
            throws Exception {
        String host = upstream.hostPort();
        TestImages.push(layout, "v1", host + "/" + repo + ":latest", false);
        TestImages.push(layout, "v2", host + "/" + repo + ":v2", false);
        node.writeHostsToml(host, "server = \"" + upstream.url() + "\"\n");
        node.ctr("images", "pull", "--hosts-dir", node.certsDir().toString(), host + "/" + repo + ":latest");
        node.ctr("images", "pull", "--hosts-dir", node.certsDir().toString(), host + "/" + repo + ":v2");
        TestImages.push(layout, "v2", host + "/" + repo + ":latest", false);
    }

    /** The digest a HEAD of {@code url} answers (it must answer 200). */
    public static Optional<String> headDigest(String url) throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest");
    }
}

package dev.speglar.agent.debug;

import static dev.speglar.agent.debug.TestAgents.get;
import static dev.speglar.agent.debug.TestAgents.metricsUrl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.speglar.agent.Agent;
import dev.speglar.oci.Digest;
import dev.speglar.oci.ImageName;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The debug web endpoints of a running agent, over HTTP. */
class DebugWebTest {
    @TempDir
    Path dir;

    @Test
    void peerIdInMetadataSurvivesARestartWithTheSameDataDir() throws Exception {
        Path layout = TestAgents.demoLayout(dir);
        Path data = dir.resolve("data");
        String first;
        // A lone node bootstrapping from its own address, as the first node of a static list does.
        String[] p2p = {
            "--bootstrap-kind=static", "--static-bootstrap-peers=/ip4/127.0.0.41/tcp/1", "--data-dir=" + data
        };
        try (Agent a = TestAgents.start("127.0.0.41", layout, dir, p2p)) {
            HttpResponse<String> r = get(metricsUrl(a) + "/debug/web/metadata");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            first = a.peerId();
            assertThat(first).startsWith("12D3KooW");
            assertThat(r.body()).isEqualTo("{\"libp2p\":{\"id\":\"" + first + "\"}}");
        }
        assertThat(data.resolve("private.key")).isNotEmptyFile();
        try (Agent a = TestAgents.start("127.0.0.41", layout, dir, p2p)) {
            assertThat(get(metricsUrl(a) + "/debug/web/metadata").body())
                    .isEqualTo("{\"libp2p\":{\"id\":\"" + first + "\"}}");
        }
        try (Agent a = TestAgents.start(
                "127.0.0.41",
                layout,
                dir,
                "--bootstrap-kind=static",
                "--static-bootstrap-peers=/ip4/127.0.0.41/tcp/1",
                "--data-dir=" + dir.resolve("other"))) {
            assertThat(get(metricsUrl(a) + "/debug/web/metadata").body())
                    .doesNotContain(first)
                    .contains("12D3KooW");
        }
    }

    @Test
    void statsListTheImageAndMeasurePullsItThroughTheRegistry() throws Exception {
        Path layout = TestAgents.demoLayout(dir);
        try (Agent a = TestAgents.start("127.0.0.42", layout, dir, "--standalone")) {
            String base = metricsUrl(a) + "/debug/web/";
            HttpResponse<String> index = get(base);
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).contains("<form id=\"measure-form\">").doesNotContain("https://");
            String stats = get(base + "stats").body();
            Digest root = a.store().resolve(ImageName.parse(TestAgents.DEMO)).orElseThrow();
            assertThat(stats)
                    .contains("<td>docker.io/library/speglar-demo</td><td>1.0</td><td>" + root + "</td>")
                    .contains("standalone")
                    .contains("Pending");

            HttpResponse<String> measure = get(
                    base + "measure?image=" + URLEncoder.encode("library/speglar-demo:1.0", StandardCharsets.UTF_8));
            assertThat(measure.statusCode()).isEqualTo(200);
            assertThat(measure.body()).contains("No peers found for image").contains("Held locally:</strong> yes");
            // Every digest the store walks from the root was fetched, with its exact size.
            for (var d : a.store().walk(root)) {
                assertThat(measure.body()).contains("<tr><td>" + d.digest() + "</td>");
                assertThat(measure.body()).contains("data-bytes=\"" + d.size() + "\"");
            }
            assertThat(measure.body()).contains("<table id=\"pull\">");
        }
    }

    @Test
    void badInputIsEscapedAndRefused() throws Exception {
        Path layout = TestAgents.demoLayout(dir);
        try (Agent a = TestAgents.start("127.0.0.43", layout, dir, "--standalone")) {
            String base = metricsUrl(a) + "/debug/web/";
            HttpResponse<String> empty = get(base + "measure?image=");
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(empty.body()).isEqualTo("<p class=\"error\">image name cannot be empty</p>\n");
            String hostile = "\"><img src=x onerror=alert(1)>";
            HttpResponse<String> bad =
                    get(base + "measure?image=" + URLEncoder.encode(hostile, StandardCharsets.UTF_8));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).doesNotContain("<img").contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
            HttpResponse<String> missing = get(base + "measure?image=docker.io/library/absent:1");
            assertThat(missing.statusCode()).isEqualTo(200);
            assertThat(missing.body()).contains("No peers found for image").doesNotContain("<table id=\"pull\">");
            assertThat(get(base + "nothing").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void debugWebCanBeTurnedOff() throws Exception {
        Path layout = TestAgents.demoLayout(dir);
        try (Agent a = TestAgents.start("127.0.0.44", layout, dir, "--standalone", "--debug-web-enabled=false")) {
            assertThat(get(metricsUrl(a) + "/debug/web/").statusCode()).isEqualTo(404);
            assertThat(get(metricsUrl(a) + "/debug/web/metadata").statusCode()).isEqualTo(404);
            assertThat(get(metricsUrl(a) + "/metrics").statusCode()).isEqualTo(200);
        }
    }
}

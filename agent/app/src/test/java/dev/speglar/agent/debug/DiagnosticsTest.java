package dev.speglar.agent.debug;

import static dev.speglar.agent.debug.TestAgents.get;
import static dev.speglar.agent.debug.TestAgents.getBytes;
import static dev.speglar.agent.debug.TestAgents.metricsUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.speglar.agent.Agent;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thread dumps and flight recordings from a running agent; absent unless enabled. */
class DiagnosticsTest {
    @TempDir
    Path dir;

    @Test
    void offByDefault() throws Exception {
        try (Agent a = TestAgents.start("127.0.0.45", TestAgents.demoLayout(dir), dir, "--standalone")) {
            assertThat(get(metricsUrl(a) + "/debug/diagnostics/threads").statusCode())
                    .isEqualTo(404);
            assertThat(get(metricsUrl(a) + "/debug/diagnostics/jfr").statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void threadDumpAndABoundedRecordingOneAtATime() throws Exception {
        try (Agent a = TestAgents.start(
                "127.0.0.46", TestAgents.demoLayout(dir), dir, "--standalone", "--debug-diagnostics-enabled")) {
            String base = metricsUrl(a) + "/debug/diagnostics/";
            HttpResponse<String> threads = get(base + "threads");
            assertThat(threads.statusCode()).isEqualTo(200);
            // The state-sync thread parks in its executor: its full stack, not a truncated one, is there.
            assertThat(threads.body())
                    .contains("\"state-sync\"")
                    .contains("\tat java.base@")
                    .contains("ScheduledThreadPoolExecutor");
            assertThat(get(base + "jfr?duration=61s").statusCode()).isEqualTo(400);
            assertThat(get(base + "jfr?duration=0s").statusCode()).isEqualTo(400);
            assertThat(get(base + "jfr?duration=abc").statusCode()).isEqualTo(400);
            assertThat(get(base + "jfr?settings=../../etc/passwd").statusCode()).isEqualTo(400);

            CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return getBytes(base + "jfr?duration=2s");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> FlightRecorder.getFlightRecorder().getRecordings().stream()
                            .anyMatch(r -> r.getName().equals("speglar-diagnostics")));
            assertThat(get(base + "jfr?duration=1s").statusCode()).isEqualTo(409);

            HttpResponse<byte[]> jfr = first.get(30, TimeUnit.SECONDS);
            assertThat(jfr.statusCode()).isEqualTo(200);
            assertThat(Arrays.copyOf(jfr.body(), 4)).isEqualTo(new byte[] {'F', 'L', 'R', 0});
            Path file = Files.write(dir.resolve("speglar.jfr"), jfr.body());
            assertThat(RecordingFile.readAllEvents(file)).isNotEmpty();
            // The recording is discarded once sent.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> FlightRecorder.getFlightRecorder().getRecordings().stream()
                            .noneMatch(r -> r.getName().equals("speglar-diagnostics")));
        }
    }
}

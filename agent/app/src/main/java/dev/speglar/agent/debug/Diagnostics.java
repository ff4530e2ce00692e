package dev.speglar.agent.debug;

import dev.speglar.agent.cli.GoDuration;
import dev.speglar.registry.metrics.DebugHandler;
import dev.speglar.registry.metrics.DebugRequest;
import dev.speglar.registry.metrics.DebugResponse;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an operator uses instead of Go's pprof: {@code threads} (a dump of every thread's stack) and {@code jfr} (a
 * JDK Flight Recorder recording of {@code ?duration=} up to {@link #MAX_RECORDING}, one at a time), under
 * {@code /debug/diagnostics/}. Off unless enabled: the metrics port has no authentication.
 */
public final class Diagnostics implements DebugHandler {
    public static final String PREFIX = "/debug/diagnostics/";
    static final Duration DEFAULT_RECORDING = Duration.ofSeconds(10);
    static final Duration MAX_RECORDING = Duration.ofSeconds(60);
    private static final Set<String> SETTINGS = Set.of("default", "profile");

    private final AtomicBoolean recording = new AtomicBoolean();

    @Override
    public DebugResponse handle(DebugRequest request) throws Exception {
        return switch (request.path().substring(PREFIX.length())) {
            case "" -> DebugResponse.ok(DebugResponse.TEXT, """
          threads                          stack of every platform thread (text)
          jfr?duration=10s&settings=default  JDK Flight Recorder recording (max %s; settings default or profile)
          """.formatted(Formats.duration(MAX_RECORDING)));
            case "threads" -> DebugResponse.ok(DebugResponse.TEXT, ThreadDump.capture());
            case "jfr" -> jfr(request);
            default -> DebugResponse.of(404, DebugResponse.TEXT, "not found\n");
        };
    }

    private DebugResponse jfr(DebugRequest request) throws Exception {
        Duration duration;
        try {
            duration = request.param("duration").map(GoDuration::parse).orElse(DEFAULT_RECORDING);
        } catch (IllegalArgumentException e) {
            return DebugResponse.of(400, DebugResponse.TEXT, "bad duration: " + e.getMessage() + "\n");
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_RECORDING) > 0) {
            return DebugResponse.of(
                    400,
                    DebugResponse.TEXT,
                    "duration must be more than 0 and at most " + Formats.duration(MAX_RECORDING) + "\n");
        }
        String settings = request.param("settings").orElse("default");
        if (!SETTINGS.contains(settings)) {
            return DebugResponse.of(400, DebugResponse.TEXT, "settings must be default or profile\n");
        }
        if (!recording.compareAndSet(false, true)) {
            return DebugResponse.of(409, DebugResponse.TEXT, "a recording is already running\n");
        }
        try {
            InputStream data = FlightRecording.record(duration, settings);
            return DebugResponse.download("application/octet-stream", data, "speglar.jfr");
        } catch (java.io.IOException | IllegalStateException e) {
            return DebugResponse.of(
                    503,
                    DebugResponse.TEXT,
                    "cannot record: " + e.getMessage() + " (JFR needs a writable java.io.tmpdir)\n");
        } finally {
            recording.set(false);
        }
    }
}

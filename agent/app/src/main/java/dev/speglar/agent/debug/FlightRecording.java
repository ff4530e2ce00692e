package dev.speglar.agent.debug;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.text.ParseException;
import java.time.Duration;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * One JDK Flight Recorder recording of a bounded duration, read back as a stream; closing the stream discards the
 * recording. JFR keeps its chunks in its repository (under {@code java.io.tmpdir} unless configured otherwise).
 */
final class FlightRecording {
    private FlightRecording() {}

    /** Records for {@code duration} with JFR's {@code default} or {@code profile} settings, then returns the data. */
    static InputStream record(Duration duration, String settings) throws IOException, InterruptedException {
        Configuration c;
        try {
            c = Configuration.getConfiguration(settings);
        } catch (ParseException e) {
            throw new IOException("JFR settings " + settings + ": " + e.getMessage(), e);
        }
        Recording r = new Recording(c);
        try {
            r.setName("speglar-diagnostics");
            r.setToDisk(true);
            r.start();
            Thread.sleep(duration);
            r.stop();
            InputStream data = r.getStream(null, null);
            if (data == null) {
                throw new IOException("the recording holds no data");
            }
            return new FilterInputStream(data) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        r.close();
                    }
                }
            };
        } catch (IOException | InterruptedException | RuntimeException e) {
            r.close();
            throw e;
        }
    }
}

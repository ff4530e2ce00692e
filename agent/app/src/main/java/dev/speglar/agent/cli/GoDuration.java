package dev.speglar.agent.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/** Parses Go-style durations ({@code 20ms}, {@code 1.5s}, {@code 1h30m}) so upstream flag values work unchanged. */
public final class GoDuration implements ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String s = value.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int pos = 0;
        double nanos = 0;
        while (m.find() && m.start() == pos) {
            double n = Double.parseDouble(m.group(1));
            nanos += n
                    * switch (m.group(2)) {
                        case "ns" -> 1d;
                        case "us", "µs" -> 1e3;
                        case "ms" -> 1e6;
                        case "s" -> 1e9;
                        case "m" -> 60e9;
                        default -> 3600e9;
                    };
            pos = m.end();
        }
        if (pos != s.length() || pos == 0) {
            throw new IllegalArgumentException(
                    "invalid duration '" + value + "' (use Go syntax such as 20ms, 2s, 1m30s)");
        }
        return Duration.ofNanos((long) nanos);
    }
}

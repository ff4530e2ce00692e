package dev.speglar.installer.install.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How the installed agent runs ({@code --mode}). */
enum AgentMode {
    SYSTEMD,
    DAEMONSET,
    NONE;

    String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    static final class Converter implements ITypeConverter<AgentMode> {
        @Override
        public AgentMode convert(String value) {
            for (AgentMode m : values()) if (m.flag().equals(value)) return m;
            throw new TypeConversionException("'" + value + "' is not systemd, daemonset or none");
        }
    }

    /** Completion and help show the flag spelling, not the constant. */
    static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(AgentMode::flag).iterator();
        }
    }
}

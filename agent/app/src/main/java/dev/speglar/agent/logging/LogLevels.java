package dev.speglar.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code --log-level} (DEBUG, INFO, WARN, ERROR, as upstream) to the root logger. */
public final class LogLevels {
    private LogLevels() {}

    public static void apply(String level) {
        Level l = switch (level.trim().toUpperCase()) {
            case "DEBUG" -> Level.DEBUG;
            case "INFO" -> Level.INFO;
            case "WARN", "WARNING" -> Level.WARN;
            case "ERROR" -> Level.ERROR;
            default ->
                throw new IllegalArgumentException("unknown log level '" + level + "' (DEBUG, INFO, WARN, ERROR)");
        };
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(l);
        }
    }
}

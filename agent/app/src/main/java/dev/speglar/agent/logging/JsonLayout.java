package dev.speglar.agent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import dev.speglar.common.json.Json;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/** One JSON object per line, shaped like Go's slog JSON handler so upstream log tooling keeps working. */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {

    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"time\":\"").append(Instant.ofEpochMilli(e.getTimeStamp())).append('"');
        field(sb, "level", e.getLevel().toString());
        field(sb, "logger", e.getLoggerName());
        field(sb, "msg", e.getFormattedMessage());
        source(sb, e.getCallerData());
        if (e.getKeyValuePairs() != null) {
            for (KeyValuePair kv : e.getKeyValuePairs()) {
                field(sb, kv.key, String.valueOf(kv.value));
            }
        }
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            field(sb, "err", t.getClassName() + ": " + t.getMessage());
            field(sb, "stack", ThrowableProxyUtil.asString(t));
        }
        return sb.append("}\n").toString();
    }

    /**
     * slog's {@code AddSource} object, which upstream enables: {@code "source":{"function","file","line"}}. Walking the
     * stack costs a few microseconds per event; per-request lines are logged only at DEBUG.
     */
    private static void source(StringBuilder sb, StackTraceElement[] callers) {
        if (callers == null || callers.length == 0) {
            return;
        }
        StackTraceElement c = callers[0];
        sb.append(",\"source\":{\"function\":");
        Json.quote(sb, c.getClassName() + "." + c.getMethodName());
        sb.append(",\"file\":");
        Json.quote(sb, c.getFileName() == null ? "" : c.getFileName());
        sb.append(",\"line\":").append(Math.max(c.getLineNumber(), 0)).append('}');
    }

    private static void field(StringBuilder sb, String key, String value) {
        sb.append(',');
        Json.quote(sb, key);
        sb.append(':');
        Json.quote(sb, value == null ? "" : value);
    }
}

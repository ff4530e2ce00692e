package dev.speglar.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** logback found the agent's configurator through the ServiceLoader (this module has no logback XML at all). */
class LogConfiguratorTest {
    /** An independent reader (Jackson), not the agent's own codec. */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS);

    @Test
    void rootLogsJsonLinesToStderrAtInfo() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.netty.bootstrap").getEffectiveLevel()).isEqualTo(Level.ERROR);
        @SuppressWarnings("unchecked")
        ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertThat(stderr).isNotNull();
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        var layout = ((LayoutWrappingEncoder<ILoggingEvent>) stderr.getEncoder()).getLayout();
        assertThat(layout).isInstanceOf(JsonLayout.class);

        var event = new ch.qos.logback.classic.spi.LoggingEvent(
                "x", context.getLogger("dev.speglar.test"), Level.WARN, "peer {} \"odd\"\nline", null, new Object[] {
                    "12D3Koo"
                });
        String line = layout.doLayout(event);
        assertThat(line).endsWith("}\n").doesNotContain("\nline");
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) JSON.readValue(line.strip(), Map.class);
        assertThat(parsed)
                .containsEntry("level", "WARN")
                .containsEntry("logger", "dev.speglar.test")
                .containsEntry("msg", "peer 12D3Koo \"odd\"\nline");
    }

    @Test
    void linesCarrySlogsSourceObject() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        JsonLayout layout = new JsonLayout();
        var event = new ch.qos.logback.classic.spi.LoggingEvent(
                "x", context.getLogger("dev.speglar.test"), Level.INFO, "hello", null, null);
        event.setCallerData(
                new StackTraceElement[] {new StackTraceElement("dev.speglar.agent.Agent", "start", "Agent.java", 42)});
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed =
                (Map<String, Object>) JSON.readValue(layout.doLayout(event).strip(), Map.class);
        assertThat(parsed.get("source"))
                .isEqualTo(Map.of("function", "dev.speglar.agent.Agent.start", "file", "Agent.java", "line", 42L));
    }

    @Test
    void successfulSubcommandsEndWithUpstreamsExitGracefullyLineButVersionDoesNot(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var list = new ch.qos.logback.core.read.ListAppender<ILoggingEvent>();
        list.setContext(context);
        list.start();
        Logger main = context.getLogger(dev.speglar.agent.Main.class);
        main.addAppender(list);
        try {
            assertThat(dev.speglar.agent.Main.run("version")).isZero();
            assertThat(list.list).extracting(ILoggingEvent::getFormattedMessage).doesNotContain("exit gracefully");
            assertThat(dev.speglar.agent.Main.run(
                            "configuration",
                            "--containerd-registry-config-path",
                            dir.toString(),
                            "--mirror-targets",
                            "http://127.0.0.9:30020",
                            "--basic-auth-dir",
                            dir.resolve("none").toString()))
                    .isZero();
            assertThat(list.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("exit gracefully");
            assertThat(dev.speglar.agent.Main.run("configuration", "--containerd-registry-config-path", dir.toString()))
                    .isEqualTo(1);
            assertThat(list.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("exit gracefully", "exit with error");
        } finally {
            main.detachAppender(list);
        }
    }
}

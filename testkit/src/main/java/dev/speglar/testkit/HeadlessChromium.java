package dev.speglar.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's {@code chromium}, headless, with a fresh profile and the DevTools protocol on a loopback port. Everything
 * that would reach the internet on its own (updates, sync, background requests, QUIC) is off, so the browser talks
 * only to the pages a test opens.
 */
public final class HeadlessChromium implements AutoCloseable {
    private final Path profile;
    private final ManagedProcess process;
    private final int port;

    private HeadlessChromium(Path profile, ManagedProcess process, int port) {
        this.profile = profile;
        this.process = process;
        this.port = port;
    }

    public static HeadlessChromium start() {
        Path dir = TempDirs.create("chromium");
        Path profile = dir.resolve("profile");
        ManagedProcess p = ManagedProcess.start(
                "chromium",
                List.of(
                        "chromium",
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-extensions",
                        "--disable-default-apps",
                        "--no-proxy-server",
                        "--disable-dev-shm-usage",
                        "--window-size=1280,1100",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "about:blank"),
                Map.of(),
                dir.resolve("chromium.log"));
        Path activePort = profile.resolve("DevToolsActivePort");
        p.awaitReady(Duration.ofSeconds(60), () -> Files.exists(activePort) && portIn(activePort) > 0);
        return new HeadlessChromium(profile, p, portIn(activePort));
    }

    /** The DevTools HTTP/WebSocket port on 127.0.0.1. */
    public int debuggingPort() {
        return port;
    }

    public String logTail(int n) {
        return process.logTail(n);
    }

    private static int portIn(Path activePort) {
        try {
            List<String> lines = Files.readAllLines(activePort);
            return lines.isEmpty() || lines.getFirst().isBlank()
                    ? -1
                    : Integer.parseInt(lines.getFirst().strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        process.close();
        TempDirs.deleteRecursively(profile.getParent());
    }
}

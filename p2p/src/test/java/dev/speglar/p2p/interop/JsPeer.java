package dev.speglar.p2p.interop;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.speglar.testkit.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real js-libp2p node ({@code src/test/js/peer.mjs}) in a child process, driven one JSON line per command.
 *
 * <p>Every wait is bounded; {@link #close()} asks the peer to quit and kills the process tree if it does not.
 * Missing node or node_modules is an error, never a skip: CI must run {@code p2p/src/test/js/install.sh}.
 */
public final class JsPeer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private final String peerId;
    private final List<String> addrs;

    private JsPeer(List<String> cmd, Path dir) throws IOException {
        process = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
        Map<String, Object> started = parseObject(next(START_TIMEOUT, "start"));
        if (!"started".equals(started.get("event"))) {
            throw fail("unexpected first line " + started);
        }
        peerId = (String) started.get("peerId");
        addrs = strings(started.get("addrs"));
    }

    /** Starts a js peer listening on {@code ip} (a 127.x.y.z address) with a random identity. */
    public static JsPeer start(String ip) {
        return start(ip, null);
    }

    /** Starts a js peer with the Ed25519 identity derived from {@code seed} (32 bytes), or a random one if null. */
    public static JsPeer start(String ip, byte[] seed) {
        Path dir = harnessDir();
        List<String> cmd = new ArrayList<>(List.of(node(), "peer.mjs", ip));
        if (seed != null) {
            cmd.addAll(List.of("--seed", HexFormat.of().formatHex(seed)));
        }
        try {
            return new JsPeer(cmd, dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start js peer: " + e.getMessage(), e);
        }
    }

    /** The harness folder; fails loudly if its modules are not installed. */
    static Path harnessDir() {
        Path base = Path.of(System.getProperty("user.dir"));
        for (Path candidate : List.of(base.resolve("src/test/js"), base.resolve("p2p/src/test/js"))) {
            if (Files.isRegularFile(candidate.resolve("peer.mjs"))) {
                if (!Files.isDirectory(candidate.resolve("node_modules/libp2p"))) {
                    throw new IllegalStateException("js-libp2p modules missing in " + candidate
                            + ": run p2p/src/test/js/install.sh (npm ci) before the tests");
                }
                return candidate;
            }
        }
        throw new IllegalStateException("peer.mjs not found under " + base);
    }

    private static String node() {
        return Tools.require("node").toString();
    }

    public String peerId() {
        return peerId;
    }

    /** Listen addresses as the peer printed them, each ending in /p2p/&lt;id&gt;. */
    public List<String> addrs() {
        return addrs;
    }

    public String addr() {
        return addrs.getFirst();
    }

    /** Sends one command and returns its answer; throws if the peer answered {@code ok:false}. */
    public Map<String, Object> call(String command) {
        return call(command, DEFAULT_TIMEOUT);
    }

    public Map<String, Object> call(String command, Duration timeout) {
        Map<String, Object> reply = tryCall(command, timeout);
        if (!Boolean.TRUE.equals(reply.get("ok"))) {
            throw fail("command '" + command + "' failed: " + reply.get("error"));
        }
        return reply;
    }

    /** Sends one command and returns its answer, whether ok or not. */
    public synchronized Map<String, Object> tryCall(String command, Duration timeout) {
        if (command.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("one line per command");
        }
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw fail("js peer stdin closed: " + e.getMessage());
        }
        return parseObject(next(timeout, command));
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> objects(Object list) {
        return (List<Map<String, Object>>) list;
    }

    public static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add((String) o);
        }
        return out;
    }

    private String next(Duration timeout, String what) {
        String line;
        try {
            line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted waiting for '" + what + "'");
        }
        if (line == null) {
            throw fail("no answer to '" + what + "' within " + timeout);
        }
        if (line.equals(EOF)) {
            lines.add(EOF);
            throw fail("js peer exited while waiting for '" + what + "'");
        }
        return line;
    }

    private void pump(BufferedReader in, boolean stdout) {
        Thread.ofVirtual().name("js-peer-" + (stdout ? "out" : "err")).start(() -> {
            try (in) {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    if (stdout) {
                        lines.add(l);
                    } else {
                        synchronized (stderrTail) {
                            stderrTail.addLast(l);
                            if (stderrTail.size() > 40) {
                                stderrTail.removeFirst();
                            }
                        }
                    }
                }
            } catch (IOException ignored) {
                // process killed
            } finally {
                if (stdout) {
                    lines.add(EOF);
                }
            }
        });
    }

    private IllegalStateException fail(String message) {
        String tail;
        synchronized (stderrTail) {
            tail = String.join("\n", stderrTail);
        }
        return new IllegalStateException(message + (tail.isEmpty() ? "" : "\njs peer stderr:\n" + tail));
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stdin.write("quit\n");
                stdin.flush();
                stdin.close();
            }
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The js peer answers one JSON object per line. */
    private static Map<String, Object> parseObject(String line) {
        try {
            return JSON.readValue(line, new TypeReference<Map<String, Object>>() {});
        } catch (java.io.IOException e) {
            throw new IllegalStateException("js peer sent no JSON object: " + line, e);
        }
    }
}

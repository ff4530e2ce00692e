package dev.speglar.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A plain-HTTP/1.1 proxy on its own loopback address that records every request (method, path, Range, status) and
 * can cut chosen responses after a number of body bytes, the way a failing peer or network does. One request per
 * downstream connection: the request is forwarded with {@code Connection: close}, and the response is relayed raw until
 * the upstream closes, so any framing (Content-Length or chunked) passes through unchanged.
 */
public final class TapProxy implements AutoCloseable {
    /** What the proxy saw. {@code range} is null when absent; {@code status} is -1 if upstream sent no status line. */
    public record Exchange(String method, String path, String range, int status, long bodyBytes, boolean cut) {}

    private static final int MAX_HEAD = 64 * 1024;

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> cutPaths = p -> false;
    private volatile long cutAfter;
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private volatile long bytesPerSecond;

    private TapProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket();
        this.server.bind(LoopbackAddresses.next(), 64);
        threads.submit(this::acceptLoop);
    }

    /** A running proxy in front of {@code upstream}. */
    public static TapProxy to(InetSocketAddress upstream) {
        try {
            return new TapProxy(upstream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts the next {@code times} responses whose path matches, after {@code bodyBytes} body bytes. */
    public void cut(Predicate<String> path, long bodyBytes, int times) {
        cutPaths = path;
        cutAfter = bodyBytes;
        cutsLeft.set(times);
    }

    /**
     * Paces every response body to about {@code bytesPerSecond} per connection (0 = full speed), like a slow upstream
     * link: a client's download then takes long enough to watch it arrive.
     */
    public void throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /**
     * {@code METHOD path} of every request, recorded as soon as its head arrived ({@link #exchanges()} are recorded when
     * the response ends, which a client that stops at Content-Length may not wait for).
     */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    public String url() {
        return "http://" + hostPort();
    }

    public String hostPort() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.submit(() -> handle(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void handle(Socket client) {
        try (client;
                Socket up = new Socket(upstream.getAddress(), upstream.getPort())) {
            String head = readHead(client.getInputStream());
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            requestLines.add(requestLine[0] + " " + (requestLine.length > 1 ? requestLine[1] : ""));
            String range = null;
            StringBuilder forwarded = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String lower = lines[i].toLowerCase(Locale.ROOT);
                if (lower.startsWith("connection:")) {
                    continue;
                }
                if (lower.startsWith("range:")) {
                    range = lines[i].substring(6).strip();
                }
                forwarded.append(lines[i]).append("\r\n");
            }
            forwarded.append("Connection: close\r\n\r\n");
            up.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
            up.getOutputStream().flush();

            String path = requestLine.length > 1 ? requestLine[1] : "";
            boolean cut = cutPaths.test(path) && cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            relay(up.getInputStream(), client.getOutputStream(), requestLine[0], path, range, cut);
        } catch (IOException e) {
            // client or upstream went away; nothing to record beyond what relay() did
        }
    }

    private void relay(InputStream from, OutputStream to, String method, String path, String range, boolean cut)
            throws IOException {
        String head = readHead(from);
        if (head == null) {
            exchanges.add(new Exchange(method, path, range, -1, 0, false));
            return;
        }
        to.write(head.getBytes(StandardCharsets.ISO_8859_1));
        String[] status = head.split("\r\n", 2)[0].split(" ");
        int code = status.length > 1 ? Integer.parseInt(status[1]) : -1;
        long sent = 0;
        long limit = cut ? cutAfter : Long.MAX_VALUE;
        long rate = bytesPerSecond;
        byte[] buf = new byte[rate > 0 ? 16 * 1024 : 64 * 1024];
        long start = System.nanoTime();
        for (int n; sent < limit && (n = from.read(buf, 0, (int) Math.min(buf.length, limit - sent))) > 0; ) {
            to.write(buf, 0, n);
            sent += n;
            if (rate > 0) {
                pace(start, sent, rate);
            }
        }
        to.flush();
        exchanges.add(new Exchange(method, path, range, code, sent, cut));
    }

    /** Waits until {@code sent} bytes are due at {@code rate} since {@code start}: this is the link's speed. */
    private static void pace(long start, long sent, long rate) throws IOException {
        long due = start + sent * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** Reads up to and including CRLFCRLF; null on EOF before any byte. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
            }
            out.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (out.size() > MAX_HEAD) {
                throw new IOException("head too large");
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}

package dev.speglar.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends bytes exactly as given (malformed paths, huge headers, odd methods) and parses the one response. HTTP
 * clients normalise or refuse such requests, so bad-input tests need a raw socket.
 */
public final class RawHttp {
    private static final int TIMEOUT_MS = 10_000;
    private static final int MAX_RESPONSE = 4 * 1024 * 1024;

    private RawHttp() {}

    /** A parsed response; header names are lower-case. {@code status} is -1 if the server closed without answering. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Sends {@code requestHead} (request line + headers, without the final blank line; "Connection: close" is added)
     * and reads the response until the server closes or the declared Content-Length arrived.
     */
    public static Response send(InetSocketAddress to, String requestHead) {
        try (Socket s = new Socket()) {
            s.connect(to, TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream()
                    .write((requestHead + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return read(s.getInputStream(), requestHead.startsWith("HEAD "));
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException(
                    "server did not answer within " + TIMEOUT_MS + " ms: " + firstLine(requestHead), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int headEnd = -1;
        long need = Long.MAX_VALUE;
        Map<String, String> headers = new LinkedHashMap<>();
        int status = -1;
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                n = -1; // a reset after the response is a normal way for a server to end a bad request
            }
            if (n < 0) {
                break;
            }
            all.write(buf, 0, n);
            if (all.size() > MAX_RESPONSE) {
                throw new IllegalStateException("response larger than " + MAX_RESPONSE + " bytes");
            }
            if (headEnd < 0) {
                headEnd = indexOf(all.toByteArray(), "\r\n\r\n");
                if (headEnd >= 0) {
                    String[] lines = all.toString(StandardCharsets.ISO_8859_1)
                            .substring(0, headEnd)
                            .split("\r\n");
                    status = Integer.parseInt(lines[0].split(" ")[1]);
                    for (int i = 1; i < lines.length; i++) {
                        int c = lines[i].indexOf(':');
                        headers.put(
                                lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT),
                                lines[i].substring(c + 1).strip());
                    }
                    String cl = headers.get("content-length");
                    need = head ? 0 : cl == null ? Long.MAX_VALUE : Long.parseLong(cl);
                }
            }
            if (headEnd >= 0 && all.size() - (headEnd + 4) >= need) {
                break;
            }
        }
        byte[] bytes = all.toByteArray();
        byte[] body = headEnd < 0
                ? new byte[0]
                : java.util.Arrays.copyOfRange(bytes, headEnd + 4, (int) Math.min(bytes.length, headEnd + 4 + need));
        return new Response(status, Map.copyOf(headers), body);
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String firstLine(String s) {
        int i = s.indexOf("\r\n");
        return i < 0 ? s : s.substring(0, i);
    }
}

package dev.speglar.registry.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately dumb HTTP/1.1 client over one socket, so tests control every byte sent (bad URIs, huge headers,
 * pipelining) and see every header received.
 */
public final class RawHttp implements AutoCloseable {

    /** A parsed response; header names are lower-cased. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends {@code METHOD target HTTP/1.1} with a Host header and the given extra header lines. */
    public RawHttp send(String method, String target, String... headerLines) throws IOException {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: test\r\n");
        for (String h : headerLines) {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        return sendRaw(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one response; {@code head} means no body follows whatever Content-Length says. */
    public Response read(boolean head) throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.put(
                    l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    l.substring(colon + 1).trim());
        }
        byte[] body = new byte[0];
        if (!head) {
            if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else if ("chunked".equals(headers.get("transfer-encoding"))) {
                throw new IOException("unexpected chunked response");
            }
        }
        return new Response(status, headers, body);
    }

    public Response exchange(String method, String target, String... headerLines) throws IOException {
        return send(method, target, headerLines).read(method.equals("HEAD"));
    }

    /** True when the server closed the connection (read returns EOF). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed; got " + b);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

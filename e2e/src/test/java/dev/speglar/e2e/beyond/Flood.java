package dev.speglar.e2e.beyond;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Hostile clients (silent or half-sent connections) and a plain keep-alive client, over raw sockets. */
final class Flood implements AutoCloseable {
    private final List<SocketChannel> sockets = new ArrayList<>();

    /** Opens {@code count} connections from {@code source}; every second one sends half a request head. */
    void open(InetAddress source, InetSocketAddress to, int count, boolean halfHeaders) throws IOException {
        for (int i = 0; i < count; i++) {
            SocketChannel c = SocketChannel.open();
            sockets.add(c);
            c.bind(new InetSocketAddress(source, 0));
            c.connect(to);
            if (halfHeaders && i % 2 == 0) {
                c.write(ByteBuffer.wrap(
                        "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII)));
            }
        }
    }

    int size() {
        return sockets.size();
    }

    /** Flood sockets the server has closed (EOF or reset). */
    long closedByServer() {
        return sockets.stream().filter(Flood::closedByPeer).count();
    }

    private static boolean closedByPeer(SocketChannel c) {
        try {
            c.configureBlocking(false);
            ByteBuffer b = ByteBuffer.allocate(4096);
            int n;
            while ((n = c.read(b)) > 0) {
                b.clear();
            }
            return n < 0;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** One request on a keep-alive connection; returns the body (by Content-Length) of a 200 answer. */
    static byte[] exchange(Socket s, String method, String path) throws IOException {
        s.getOutputStream()
                .write((method + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) c);
        }
        if (!head.toString().startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected answer: " + head);
        }
        Matcher len = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        if (!len.find()) {
            throw new IOException("no Content-Length: " + head);
        }
        return method.equals("HEAD") ? new byte[0] : in.readNBytes(Integer.parseInt(len.group(1)));
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel c : sockets) {
            c.close();
        }
        sockets.clear();
    }
}

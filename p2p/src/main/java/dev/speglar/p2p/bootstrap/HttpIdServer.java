package dev.speglar.p2p.bootstrap;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Serves this node's {@code /id} document for HTTP bootstrap (any request under /id gets 200 and the JSON). */
public final class HttpIdServer implements AutoCloseable {
    private final HttpServer server;

    public HttpIdServer(InetSocketAddress address, Supplier<String> document) throws IOException {
        server = HttpServer.create(address, 16);
        server.createContext("/id", exchange -> {
            byte[] body = document.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.speglar.e2e.beyond;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener that only counts who connects to it: an address nobody should ever be sent to. */
final class Trap implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();

    Trap(InetSocketAddress at) throws IOException {
        server = new ServerSocket();
        server.bind(at);
        Thread t = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try (Socket s = server.accept()) {
                            accepted.incrementAndGet();
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "trap-" + at);
        t.setDaemon(true);
        t.start();
    }

    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
